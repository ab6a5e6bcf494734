// A typedoc plugin: groups the API reference by topic (Layers, Network, ...) instead of by kind, from the
// source file of each export — one table here rather than a tag on every declaration. A `@group` tag
// written in a doc comment wins. An export whose file is in no group is a warning (typedoc.json treats
// warnings as errors): add its file to GROUPS. The order of the groups is typedoc.json's groupOrder.
import { Comment, CommentTag, Converter, ReflectionGroup, ReflectionKind } from 'typedoc';

/** Source path prefixes (relative to the package) and their group; the first match counts. */
export const GROUPS = [
  ['src/commons/models.ts', 'Layers'],
  ['src/commons/recurrent.ts', 'Layers'],
  ['src/embedding/', 'Layers'],
  ['src/convolution/', 'Layers'],
  ['src/pooling/', 'Layers'],
  ['src/flatten/', 'Layers'],
  ['src/dense/', 'Layers'],
  ['src/dropout/', 'Layers'],
  ['src/rnn/', 'Layers'],
  ['src/lstm/', 'Layers'],
  ['src/gru/', 'Layers'],
  ['src/batchnorm/', 'Layers'],
  ['src/layernorm/', 'Layers'],
  ['src/network/', 'Network'],
  ['src/settings.ts', 'Network'],
  ['src/optimizers/', 'Optimizers & callbacks'],
  ['src/commons/optimizer.ts', 'Optimizers & callbacks'],
  ['src/callbacks/', 'Optimizers & callbacks'],
  ['src/commons/logs.ts', 'Network'],
  ['src/activation/', 'Activations & initializations'],
  ['src/initialization/', 'Activations & initializations'],
  ['src/commons/loss.ts', 'Losses & metrics'],
  ['src/commons/metrics.ts', 'Losses & metrics'],
  ['src/commons/schedule.ts', 'Losses & metrics'],
  ['src/io/', 'Files & export'],
  ['src/node/', 'Files & export'],
  ['src/commons/plot.ts', 'Files & export'],
  ['src/commons/rng.ts', 'Random generators'],
  ['src/commons/numpy_rng.ts', 'Random generators'],
  ['src/commons/ziggurat.ts', 'Random generators'],
  ['src/commons/python_random.ts', 'Random generators'],
  ['src/commons/random_state.ts', 'Random generators'],
  ['src/commons/libm.ts', 'Random generators'],
  ['src/kernels/', 'Kernels & threads'],
  ['src/parallel/', 'Kernels & threads'],
  ['src/commons/backend.ts', 'Kernels & threads'],
  ['src/commons/gemm.ts', 'Kernels & threads'],
  ['src/commons/ndarray.ts', 'Arrays & data'],
  ['src/commons/io.ts', 'Arrays & data'],
  ['src/commons/prepared.ts', 'Arrays & data'],
  ['src/commons/maths.ts', 'Arrays & data'],
  ['src/fdlibm.ts', 'Arrays & data'],
  ['src/errors.ts', 'Errors'],
  ['src/commons/checks.ts', 'Errors'],
  ['src/cli/', 'Command line'],
];

/** The group of a source path, or undefined. */
const groupOf = (path) => GROUPS.find(([prefix]) => path.startsWith(prefix))?.[1];

/** @param {import('typedoc').Application} app */
export function load(app) {
  const pathOf = (project, refl) => project.getSymbolIdFromReflection(refl)?.packagePath ?? refl.sources?.[0]?.fullFileName ?? '';
  // Declarations: a @group tag from the table (typedoc's GroupPlugin reads it at the end of resolving)
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    for (const refl of project.getReflectionsByKind(ReflectionKind.SomeExport)) {
      if (refl.kindOf(ReflectionKind.Module) || !refl.parent?.kindOf(ReflectionKind.Module | ReflectionKind.Project)) continue; // top-level exports only
      if (refl.isReference() || refl.comment?.getTag('@group') || refl.comment?.getTag('@category')) continue;
      const path = pathOf(project, refl);
      const group = groupOf(path);
      if (group === undefined) {
        app.logger.warn(`typedoc-groups: no group for ${refl.getFriendlyFullName()} (${path || 'unknown file'}): add its file to scripts/typedoc-groups.mjs`);
        continue;
      }
      refl.comment ??= new Comment();
      refl.comment.blockTags.push(new CommentTag('@group', [{ kind: 'text', text: group }]));
    }
  });
  // Re-exports (an entry point exporting what another one declares): typedoc puts them in one
  // "References" group; here each joins its target's group
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const order = app.options.getValue('groupOrder');
    const rank = (title) => (order.includes(title) ? order.indexOf(title) : order.indexOf('*'));
    for (const mod of context.project.getReflectionsByKind(ReflectionKind.Module | ReflectionKind.Project)) {
      const refs = mod.groups?.find((g) => g.title === 'References');
      if (refs === undefined) continue;
      mod.groups = mod.groups.filter((g) => g !== refs);
      for (const child of refs.children) {
        const target = child.getTargetReflectionDeep();
        const title = target.comment?.getTag('@group') ? Comment.combineDisplayParts(target.comment.getTag('@group').content).trim()
          : context.project.getReflectionById(target.id) ? groupFromGroups(target) : 'References';
        let group = mod.groups.find((g) => g.title === title);
        if (group === undefined) {
          group = new ReflectionGroup(title, mod);
          mod.groups.push(group);
        }
        group.children.push(child);
      }
      for (const g of mod.groups) g.children.sort((x, y) => x.name.localeCompare(y.name));
      mod.groups.sort((x, y) => rank(x.title) - rank(y.title));
    }
  }, -100);
}

/** The title of the group a declaration landed in (its parent's groups; the @group tag is gone by then). */
function groupFromGroups(target) {
  return target.parent?.groups?.find((g) => g.children.includes(target))?.title ?? 'References';
}
