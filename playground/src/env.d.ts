// Vite's `?raw` imports: a file's text (the layers' sources shown beside EpyNN's equations).
declare module '*?raw' {
  const text: string;
  export default text;
}
