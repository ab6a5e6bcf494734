;; WebAssembly SIMD (f64x2) kernels of epynn-ts, fifth module: mean pooling forward and backward, and
;; max/min pooling over any window (the 4-element windows have their own kernels in kernels2.wat).
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

  ;; Max (isMin = 0) or min pooling over any window (poolWindows in src/pooling/forward.ts, mode SELECT):
  ;; z[…, id] starts at the window's first element and each next element b (byte offset offs[k]) replaces
  ;; it when strictly greater (smaller), by the TS loop's arithmetic select v·(1 − t) + b·t, t = [b beats
  ;; v]: the same bits. Channels innermost (the window's rows of d values read contiguously, z's row of
  ;; d values kept in cache), so each (window, channel) still takes its elements in window order.
  ;; Returns Σ (v − v) over the pooled values (NaN when one is not finite), as the TS kernel does.
  (func (export "pool_sel_fwd") (param $x i32) (param $z i32) (param $m i32) (param $h i32) (param $w i32)
    (param $d i32) (param $oh i32) (param $ow i32) (param $sh i32) (param $sw i32) (param $offs i32) (param $n i32)
    (param $isMin i32) (result f64)
    (local $im i32) (local $ioh i32) (local $iow i32) (local $id i32) (local $xi i32) (local $k i32)
    (local $p i32) (local $q i32) (local $rowBytes i32)
    (local $v v128) (local $b v128) (local $t v128) (local $one v128) (local $chk v128)
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $chk (v128.const i64x2 0 0))
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 3)))
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
          ;; the first element of every channel
          (memory.copy (local.get $z) (local.get $xi) (local.get $rowBytes))
          (local.set $k (i32.const 1))
          (block $kdone (loop $kloop
            (br_if $kdone (i32.ge_s (local.get $k) (local.get $n)))
            (local.set $q (i32.add (local.get $xi) (i32.load (i32.add (local.get $offs) (i32.shl (local.get $k) (i32.const 2))))))
            (local.set $p (local.get $z))
            (local.set $id (local.get $d))
            (block $ddone (loop $dloop
              (br_if $ddone (i32.eqz (local.get $id)))
              (local.set $v (v128.load (local.get $p)))
              (local.set $b (v128.load (local.get $q)))
              (local.set $t (v128.and (select (f64x2.lt (local.get $b) (local.get $v)) (f64x2.gt (local.get $b) (local.get $v))
                (local.get $isMin)) (local.get $one)))
              (v128.store (local.get $p)
                (f64x2.add (f64x2.mul (local.get $v) (f64x2.sub (local.get $one) (local.get $t))) (f64x2.mul (local.get $b) (local.get $t))))
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (local.set $q (i32.add (local.get $q) (i32.const 16)))
              (local.set $id (i32.sub (local.get $id) (i32.const 2)))
              (br $dloop)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kloop)))
          (local.set $id (local.get $d))
          (block $cdone (loop $cloop
            (br_if $cdone (i32.eqz (local.get $id)))
            (local.set $v (v128.load (local.get $z)))
            (local.set $chk (f64x2.add (local.get $chk) (f64x2.sub (local.get $v) (local.get $v))))
            (local.set $z (i32.add (local.get $z) (i32.const 16)))
            (local.set $id (i32.sub (local.get $id) (i32.const 2)))
            (br $cloop)))
          (local.set $iow (i32.add (local.get $iow) (i32.const 1)))
          (br $wloop)))
        (local.set $ioh (i32.add (local.get $ioh) (i32.const 1)))
        (br $hloop)))
      (local.set $im (i32.add (local.get $im) (i32.const 1)))
      (br $mloop)))
    (f64.add (f64x2.extract_lane 0 (local.get $chk)) (f64x2.extract_lane 1 (local.get $chk)))
  )

  ;; Max/min pooling backward over any windows, overlapping ones included (poolingBackward in
  ;; src/pooling/backward.ts): each window element gets dx += g · [x == z] when g is finite (g·0 = ±0
  ;; elsewhere, as the TS loop), and dx += g only where x == z when g is ±∞ or NaN. dx zeroed by the
  ;; caller; windows in order, so every dx element receives its terms in the TS loop's order. With
  ;; store ≠ 0 (windows that tile X: one term per element) dx is not read: the adds are onto +0, and
  ;; the caller need not zero it.
  (func (export "pool_sel_bwd") (param $x i32) (param $z i32) (param $da i32) (param $dx i32) (param $m i32)
    (param $h i32) (param $w i32) (param $d i32) (param $oh i32) (param $ow i32) (param $sh i32) (param $sw i32)
    (param $offs i32) (param $n i32) (param $store i32)
    (local $im i32) (local $ioh i32) (local $iow i32) (local $id i32) (local $xi i32) (local $k i32) (local $o i32)
    (local $p i32) (local $zp i32) (local $gp i32)
    (local $g v128) (local $zv v128) (local $e v128) (local $dv v128) (local $one v128) (local $zero v128)
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $zero (v128.const i64x2 0 0))
    (local.set $im (i32.const 0))
    (block $mdone (loop $mloop
      (br_if $mdone (i32.ge_s (local.get $im) (local.get $m)))
      (local.set $ioh (i32.const 0))
      (block $hdone (loop $hloop
        (br_if $hdone (i32.ge_s (local.get $ioh) (local.get $oh)))
        (local.set $iow (i32.const 0))
        (block $wdone (loop $wloop
          (br_if $wdone (i32.ge_s (local.get $iow) (local.get $ow)))
          (local.set $xi (i32.shl
            (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $im) (local.get $h)) (i32.mul (local.get $ioh) (local.get $sh))) (local.get $w))
              (i32.mul (local.get $iow) (local.get $sw))) (local.get $d)) (i32.const 3)))
          (local.set $k (i32.const 0))
          (block $kdone (loop $kloop
            (br_if $kdone (i32.ge_s (local.get $k) (local.get $n)))
            (local.set $o (i32.add (local.get $xi) (i32.load (i32.add (local.get $offs) (i32.shl (local.get $k) (i32.const 2))))))
            (local.set $p (local.get $o))
            (local.set $zp (local.get $z))
            (local.set $gp (local.get $da))
            (local.set $id (local.get $d))
            (block $ddone (loop $dloop
              (br_if $ddone (i32.eqz (local.get $id)))
              (local.set $g (v128.load (local.get $gp)))
              (local.set $e (f64x2.eq (v128.load (i32.add (local.get $x) (local.get $p))) (v128.load (local.get $zp))))
              (local.set $dv (if (result v128) (local.get $store)
                (then (local.get $zero)) (else (v128.load (i32.add (local.get $dx) (local.get $p))))))
              (v128.store (i32.add (local.get $dx) (local.get $p))
                (v128.bitselect
                  ;; g finite: dx + g·[x == z]
                  (f64x2.add (local.get $dv) (f64x2.mul (local.get $g) (v128.and (local.get $e) (local.get $one))))
                  ;; g = ±∞ or NaN: dx + g where x == z, else dx untouched
                  (v128.bitselect (f64x2.add (local.get $dv) (local.get $g)) (local.get $dv) (local.get $e))
                  (f64x2.eq (f64x2.sub (local.get $g) (local.get $g)) (local.get $zero))))
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (local.set $zp (i32.add (local.get $zp) (i32.const 16)))
              (local.set $gp (i32.add (local.get $gp) (i32.const 16)))
              (local.set $id (i32.sub (local.get $id) (i32.const 2)))
              (br $dloop)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kloop)))
          (local.set $z (i32.add (local.get $z) (i32.shl (local.get $d) (i32.const 3))))
          (local.set $da (i32.add (local.get $da) (i32.shl (local.get $d) (i32.const 3))))
          (local.set $iow (i32.add (local.get $iow) (i32.const 1)))
          (br $wloop)))
        (local.set $ioh (i32.add (local.get $ioh) (i32.const 1)))
        (br $hloop)))
      (local.set $im (i32.add (local.get $im) (i32.const 1)))
      (br $mloop)))
  )
)
