;; WebAssembly SIMD (f64x2) kernels of epynn-ts, fifth module: mean pooling forward and backward.
;; Same rules as kernels.wat (same operations in the same order as the TypeScript loops of
;; src/pooling, so the same bits); two channels per f64x2 (d even). A module of its own keeps each
;; under 4 KB.
(module
  (import "env" "memory" (memory 1 65536 SHARED))

  ;; Mean pooling forward (poolWindows in src/pooling/forward.ts, mode MEAN):
  ;;   z[im, ioh, iow, id] = (((x0 + x1) + x2) + …) / n   over the n window elements x_k at byte offset
  ;;   offs[k] (i32 table, offs[0] = 0) from X[im, ioh·sh, iow·sw, id].
  (func (export "pool_mean_fwd") (param $x i32) (param $z i32) (param $m i32) (param $h i32) (param $w i32)
    (param $d i32) (param $oh i32) (param $ow i32) (param $sh i32) (param $sw i32) (param $offs i32) (param $n i32)
    (local $im i32) (local $ioh i32) (local $iow i32) (local $id i32) (local $xi i32) (local $k i32)
    (local $v v128) (local $nv v128)
    (local.set $nv (f64x2.splat (f64.convert_i32_s (local.get $n))))
    (local.set $im (i32.const 0))
    (block $mdone (loop $mloop
      (br_if $mdone (i32.ge_s (local.get $im) (local.get $m)))
      (local.set $ioh (i32.const 0))
      (block $hdone (loop $hloop
        (br_if $hdone (i32.ge_s (local.get $ioh) (local.get $oh)))
        (local.set $iow (i32.const 0))
        (block $wdone (loop $wloop
          (br_if $wdone (i32.ge_s (local.get $iow) (local.get $ow)))
          ;; X[im, ioh·sh, iow·sw, 0]
          (local.set $xi (i32.add (local.get $x) (i32.shl
            (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $im) (local.get $h)) (i32.mul (local.get $ioh) (local.get $sh))) (local.get $w))
              (i32.mul (local.get $iow) (local.get $sw))) (local.get $d)) (i32.const 3))))
          (local.set $id (local.get $d))
          (block $ddone (loop $dloop
            (br_if $ddone (i32.eqz (local.get $id)))
            (local.set $v (v128.load (local.get $xi)))
            (local.set $k (i32.const 1))
            (block $kdone (loop $kloop
              (br_if $kdone (i32.ge_s (local.get $k) (local.get $n)))
              (local.set $v (f64x2.add (local.get $v)
                (v128.load (i32.add (local.get $xi) (i32.load (i32.add (local.get $offs) (i32.shl (local.get $k) (i32.const 2))))))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $kloop)))
            (v128.store (local.get $z) (f64x2.div (local.get $v) (local.get $nv)))
            (local.set $xi (i32.add (local.get $xi) (i32.const 16)))
            (local.set $z (i32.add (local.get $z) (i32.const 16)))
            (local.set $id (i32.sub (local.get $id) (i32.const 2)))
            (br $dloop)))
          (local.set $iow (i32.add (local.get $iow) (i32.const 1)))
          (br $wloop)))
        (local.set $ioh (i32.add (local.get $ioh) (i32.const 1)))
        (br $hloop)))
      (local.set $im (i32.add (local.get $im) (i32.const 1)))
      (br $mloop)))
  )

  ;; Mean pooling backward (poolingBackward in src/pooling/backward.ts, pool 'mean'):
  ;;   dx[X[im, ioh·sh + iph, iow·sw + ipw, id]] += da[im, ioh, iow, id] / (ph·pw)
  ;; dx zeroed by the caller; windows in order (im, ioh, iow), then iph, ipw: each dx element receives
  ;; its terms in the TS loop's order (overlapping windows included).
  (func (export "pool_mean_bwd") (param $da i32) (param $dx i32) (param $m i32) (param $h i32) (param $w i32)
    (param $d i32) (param $oh i32) (param $ow i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32)
    (local $im i32) (local $ioh i32) (local $iow i32) (local $id i32) (local $xi i32) (local $p i32)
    (local $iph i32) (local $ipw i32) (local $rowStep i32) (local $g v128) (local $nv v128)
    (local.set $nv (f64x2.splat (f64.convert_i32_s (i32.mul (local.get $ph) (local.get $pw)))))
    ;; bytes from the end of one window row to the start of the next: (w − pw)·d·8
    (local.set $rowStep (i32.shl (i32.mul (i32.sub (local.get $w) (local.get $pw)) (local.get $d)) (i32.const 3)))
    (local.set $im (i32.const 0))
    (block $mdone (loop $mloop
      (br_if $mdone (i32.ge_s (local.get $im) (local.get $m)))
      (local.set $ioh (i32.const 0))
      (block $hdone (loop $hloop
        (br_if $hdone (i32.ge_s (local.get $ioh) (local.get $oh)))
        (local.set $iow (i32.const 0))
        (block $wdone (loop $wloop
          (br_if $wdone (i32.ge_s (local.get $iow) (local.get $ow)))
          (local.set $xi (i32.add (local.get $dx) (i32.shl
            (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $im) (local.get $h)) (i32.mul (local.get $ioh) (local.get $sh))) (local.get $w))
              (i32.mul (local.get $iow) (local.get $sw))) (local.get $d)) (i32.const 3))))
          (local.set $id (local.get $d))
          (block $ddone (loop $dloop
            (br_if $ddone (i32.eqz (local.get $id)))
            (local.set $g (f64x2.div (v128.load (local.get $da)) (local.get $nv)))
            (local.set $p (local.get $xi))
            (local.set $iph (local.get $ph))
            (block $phdone (loop $phloop
              (br_if $phdone (i32.eqz (local.get $iph)))
              (local.set $ipw (local.get $pw))
              (block $pwdone (loop $pwloop
                (br_if $pwdone (i32.eqz (local.get $ipw)))
                (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p)) (local.get $g)))
                (local.set $p (i32.add (local.get $p) (i32.shl (local.get $d) (i32.const 3))))
                (local.set $ipw (i32.sub (local.get $ipw) (i32.const 1)))
                (br $pwloop)))
              (local.set $p (i32.add (local.get $p) (local.get $rowStep)))
              (local.set $iph (i32.sub (local.get $iph) (i32.const 1)))
              (br $phloop)))
            (local.set $xi (i32.add (local.get $xi) (i32.const 16)))
            (local.set $da (i32.add (local.get $da) (i32.const 16)))
            (local.set $id (i32.sub (local.get $id) (i32.const 2)))
            (br $dloop)))
          (local.set $iow (i32.add (local.get $iow) (i32.const 1)))
          (br $wloop)))
        (local.set $ioh (i32.add (local.get $ioh) (i32.const 1)))
        (br $hloop)))
      (local.set $im (i32.add (local.get $im) (i32.const 1)))
      (br $mloop)))
  )
)
