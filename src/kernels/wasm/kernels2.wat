;; WebAssembly SIMD (f64x2) kernels of epynn-ts, second module: pooling and the convolution's dX.
;; Same rules as kernels.wat (same operations in the same order as the TypeScript kernels). Two modules
;; over one memory keep each under 4 KB, the most a browser page's main thread may compile synchronously.
(module
  (import "env" "memory" (memory 1 65536 SHARED))

  ;; Max (isMin = 0) or min pooling over windows of 4 elements at byte offsets 0, o1, o2, o3 from
  ;; X[im, ioh·sh, iow·sw, id] (see poolWindows in src/pooling/forward.ts, mode SELECT, n = 4), two
  ;; channels per f64x2 (d even). v starts at the first element; each next one b replaces it when strictly
  ;; greater (smaller), by the TS kernel's arithmetic select v = v·(1 − t) + b·t, t = [b beats v] (so the
  ;; same bits, signed zeros included; NaN never beats; an infinity gives NaN and the caller pools again).
  ;; Returns Σ (v − v) over the pooled values (NaN when one is not finite), as the TS kernel does.
  (func (export "pool_fwd4") (param $x i32) (param $z i32) (param $m i32) (param $h i32) (param $w i32) (param $d i32)
    (param $oh i32) (param $ow i32) (param $sh i32) (param $sw i32) (param $o1 i32) (param $o2 i32) (param $o3 i32)
    (param $isMin i32) (result f64)
    (local $im i32) (local $ioh i32) (local $iow i32) (local $id i32) (local $xi i32) (local $zi i32)
    (local $v v128) (local $b v128) (local $chk v128) (local $t v128) (local $one v128)
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $zi (local.get $z))
    (local.set $chk (v128.const i64x2 0 0))
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
            (if (local.get $isMin)
              (then
                (local.set $b (v128.load (i32.add (local.get $xi) (local.get $o1))))
                (local.set $t (v128.and (f64x2.lt (local.get $b) (local.get $v)) (local.get $one)))
                (local.set $v (f64x2.add (f64x2.mul (local.get $v) (f64x2.sub (local.get $one) (local.get $t))) (f64x2.mul (local.get $b) (local.get $t))))
                (local.set $b (v128.load (i32.add (local.get $xi) (local.get $o2))))
                (local.set $t (v128.and (f64x2.lt (local.get $b) (local.get $v)) (local.get $one)))
                (local.set $v (f64x2.add (f64x2.mul (local.get $v) (f64x2.sub (local.get $one) (local.get $t))) (f64x2.mul (local.get $b) (local.get $t))))
                (local.set $b (v128.load (i32.add (local.get $xi) (local.get $o3))))
                (local.set $t (v128.and (f64x2.lt (local.get $b) (local.get $v)) (local.get $one)))
                (local.set $v (f64x2.add (f64x2.mul (local.get $v) (f64x2.sub (local.get $one) (local.get $t))) (f64x2.mul (local.get $b) (local.get $t)))))
              (else
                (local.set $b (v128.load (i32.add (local.get $xi) (local.get $o1))))
                (local.set $t (v128.and (f64x2.gt (local.get $b) (local.get $v)) (local.get $one)))
                (local.set $v (f64x2.add (f64x2.mul (local.get $v) (f64x2.sub (local.get $one) (local.get $t))) (f64x2.mul (local.get $b) (local.get $t))))
                (local.set $b (v128.load (i32.add (local.get $xi) (local.get $o2))))
                (local.set $t (v128.and (f64x2.gt (local.get $b) (local.get $v)) (local.get $one)))
                (local.set $v (f64x2.add (f64x2.mul (local.get $v) (f64x2.sub (local.get $one) (local.get $t))) (f64x2.mul (local.get $b) (local.get $t))))
                (local.set $b (v128.load (i32.add (local.get $xi) (local.get $o3))))
                (local.set $t (v128.and (f64x2.gt (local.get $b) (local.get $v)) (local.get $one)))
                (local.set $v (f64x2.add (f64x2.mul (local.get $v) (f64x2.sub (local.get $one) (local.get $t))) (f64x2.mul (local.get $b) (local.get $t))))))
            (local.set $chk (f64x2.add (local.get $chk) (f64x2.sub (local.get $v) (local.get $v))))
            (v128.store (local.get $zi) (local.get $v))
            (local.set $xi (i32.add (local.get $xi) (i32.const 16)))
            (local.set $zi (i32.add (local.get $zi) (i32.const 16)))
            (local.set $id (i32.sub (local.get $id) (i32.const 2)))
            (br $dloop)))
          (local.set $iow (i32.add (local.get $iow) (i32.const 1)))
          (br $wloop)))
        (local.set $ioh (i32.add (local.get $ioh) (i32.const 1)))
        (br $hloop)))
      (local.set $im (i32.add (local.get $im) (i32.const 1)))
      (br $mloop)))
    (f64.add (f64x2.extract_lane 0 (local.get $chk)) (f64x2.extract_lane 1 (local.get $chk)))
  )

  ;; Max/min pooling backward for non-overlapping windows of 4 elements (maskStore4 in
  ;; src/pooling/backward.ts): each element of a window gets dx = [x == z] ? g + 0 : +0 (every tie gets
  ;; g, as EpyNN), the TS kernel's values bit for bit; two channels per f64x2 (d even).
  (func (export "pool_bwd4") (param $x i32) (param $z i32) (param $da i32) (param $dx i32) (param $m i32) (param $h i32)
    (param $w i32) (param $d i32) (param $oh i32) (param $ow i32) (param $sh i32) (param $sw i32)
    (param $o1 i32) (param $o2 i32) (param $o3 i32)
    (local $im i32) (local $ioh i32) (local $iow i32) (local $id i32) (local $xi i32) (local $di i32) (local $zi i32) (local $gi i32)
    (local $zv v128) (local $g v128) (local $zero v128)
    (local.set $zero (v128.const i64x2 0 0))
    (local.set $zi (local.get $z))
    (local.set $gi (local.get $da))
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
          (local.set $di (i32.add (local.get $dx) (local.get $xi)))
          (local.set $xi (i32.add (local.get $x) (local.get $xi)))
          (local.set $id (local.get $d))
          (block $ddone (loop $dloop
            (br_if $ddone (i32.eqz (local.get $id)))
            (local.set $zv (v128.load (local.get $zi)))
            (local.set $g (f64x2.add (v128.load (local.get $gi)) (local.get $zero)))
            (v128.store (local.get $di)
              (v128.and (local.get $g) (f64x2.eq (v128.load (local.get $xi)) (local.get $zv))))
            (v128.store (i32.add (local.get $di) (local.get $o1))
              (v128.and (local.get $g) (f64x2.eq (v128.load (i32.add (local.get $xi) (local.get $o1))) (local.get $zv))))
            (v128.store (i32.add (local.get $di) (local.get $o2))
              (v128.and (local.get $g) (f64x2.eq (v128.load (i32.add (local.get $xi) (local.get $o2))) (local.get $zv))))
            (v128.store (i32.add (local.get $di) (local.get $o3))
              (v128.and (local.get $g) (f64x2.eq (v128.load (i32.add (local.get $xi) (local.get $o3))) (local.get $zv))))
            (local.set $xi (i32.add (local.get $xi) (i32.const 16)))
            (local.set $di (i32.add (local.get $di) (i32.const 16)))
            (local.set $zi (i32.add (local.get $zi) (i32.const 16)))
            (local.set $gi (i32.add (local.get $gi) (i32.const 16)))
            (local.set $id (i32.sub (local.get $id) (i32.const 2)))
            (br $dloop)))
          (local.set $iow (i32.add (local.get $iow) (i32.const 1)))
          (br $wloop)))
        (local.set $ioh (i32.add (local.get $ioh) (i32.const 1)))
        (br $hloop)))
      (local.set $im (i32.add (local.get $im) (i32.const 1)))
      (br $mloop)))
  )

  ;; Adds one row of a 4-entry block to dx: dx[o + q_j] += lane j (j < kn) in order j = 0..3.
  (func $scatter_row (param $o i32) (param $kn i32) (param $q0 i32) (param $q1 i32) (param $q2 i32) (param $q3 i32)
    (param $v01 v128) (param $v23 v128)
    (local $p i32)
    (local.set $p (i32.add (local.get $o) (local.get $q0)))
    (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64x2.extract_lane 0 (local.get $v01))))
    (if (i32.gt_s (local.get $kn) (i32.const 1)) (then
      (local.set $p (i32.add (local.get $o) (local.get $q1)))
      (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64x2.extract_lane 1 (local.get $v01))))))
    (if (i32.gt_s (local.get $kn) (i32.const 2)) (then
      (local.set $p (i32.add (local.get $o) (local.get $q2)))
      (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64x2.extract_lane 0 (local.get $v23))))))
    (if (i32.gt_s (local.get $kn) (i32.const 3)) (then
      (local.set $p (i32.add (local.get $o) (local.get $q3)))
      (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64x2.extract_lane 1 (local.get $v23))))))
  )

  ;; Direct convolution input gradient (directGradX in src/kernels/js/conv.ts):
  ;;   dx[xoff[r] + koff[k]] += Σ_iu dZ[r, iu] · W[k, iu]      for r < M, k < K
  ;; xoff: i32 byte ADDRESSES of each row's window in dx (padded to a multiple of 4 entries), koff: byte
  ;; offsets (padded likewise); wt: W transposed and padded, wt[iu·K4 + k] = W[k, iu] (0 for k ≥ K);
  ;; dz: (M, u). Blocks of 4 rows × 4 entries summed over iu in order, added row by row, entry by entry,
  ;; chunk (128 rows) → entry block → row block: the TS kernel's order, so overlapping windows add up
  ;; to the same bits.
  (func (export "conv_dx") (param $dz i32) (param $xoff i32) (param $koff i32) (param $M i32) (param $K i32)
    (param $u i32) (param $wt i32)
    (local $K4 i32) (local $r0 i32) (local $rEnd i32) (local $k0 i32) (local $kn i32) (local $r i32) (local $rn i32)
    (local $q0 i32) (local $q1 i32) (local $q2 i32) (local $q3 i32)
    (local $z0 i32) (local $z1 i32) (local $z2 i32) (local $z3 i32) (local $wi i32) (local $iu i32) (local $xo i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $w0 v128) (local $w1 v128) (local $g v128)
    (local.set $K4 (i32.and (i32.add (local.get $K) (i32.const 3)) (i32.const -4)))
    (local.set $r0 (i32.const 0))
    (block $rcdone (loop $rcloop
      (br_if $rcdone (i32.ge_s (local.get $r0) (local.get $M)))
      (local.set $rEnd (i32.add (local.get $r0) (i32.const 128)))
      (if (i32.gt_s (local.get $rEnd) (local.get $M)) (then (local.set $rEnd (local.get $M))))
      (local.set $k0 (i32.const 0))
      (block $kdone (loop $kloop
        (br_if $kdone (i32.ge_s (local.get $k0) (local.get $K)))
        (local.set $kn (i32.sub (local.get $K) (local.get $k0)))
        (local.set $q0 (i32.load (i32.add (local.get $koff) (i32.shl (local.get $k0) (i32.const 2)))))
        (local.set $q1 (i32.load offset=4 (i32.add (local.get $koff) (i32.shl (local.get $k0) (i32.const 2)))))
        (local.set $q2 (i32.load offset=8 (i32.add (local.get $koff) (i32.shl (local.get $k0) (i32.const 2)))))
        (local.set $q3 (i32.load offset=12 (i32.add (local.get $koff) (i32.shl (local.get $k0) (i32.const 2)))))
        (local.set $r (local.get $r0))
        (block $rdone (loop $rloop
          (br_if $rdone (i32.ge_s (local.get $r) (local.get $rEnd)))
          (local.set $rn (i32.sub (local.get $M) (local.get $r)))
          ;; dZ rows r..r+3 (byte addresses), the last one repeated past M (its sums are dropped)
          (local.set $z0 (i32.add (local.get $dz) (i32.shl (i32.mul (local.get $r) (local.get $u)) (i32.const 3))))
          (local.set $z1 (select (i32.add (local.get $z0) (i32.shl (local.get $u) (i32.const 3))) (local.get $z0)
            (i32.gt_s (local.get $rn) (i32.const 1))))
          (local.set $z2 (select (i32.add (local.get $z0) (i32.shl (local.get $u) (i32.const 4))) (local.get $z0)
            (i32.gt_s (local.get $rn) (i32.const 2))))
          (local.set $z3 (select (i32.add (local.get $z0) (i32.mul (local.get $u) (i32.const 24))) (local.get $z0)
            (i32.gt_s (local.get $rn) (i32.const 3))))
          (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
          (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
          (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
          (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
          (local.set $wi (i32.add (local.get $wt) (i32.shl (local.get $k0) (i32.const 3))))
          (local.set $iu (i32.const 0))
          (block $udone (loop $uloop
            (br_if $udone (i32.ge_s (local.get $iu) (local.get $u)))
            (local.set $w0 (v128.load (local.get $wi)))
            (local.set $w1 (v128.load offset=16 (local.get $wi)))
            (local.set $g (v128.load64_splat (i32.add (local.get $z0) (i32.shl (local.get $iu) (i32.const 3)))))
            (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $g) (local.get $w0))))
            (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $g) (local.get $w1))))
            (local.set $g (v128.load64_splat (i32.add (local.get $z1) (i32.shl (local.get $iu) (i32.const 3)))))
            (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $g) (local.get $w0))))
            (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $g) (local.get $w1))))
            (local.set $g (v128.load64_splat (i32.add (local.get $z2) (i32.shl (local.get $iu) (i32.const 3)))))
            (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $g) (local.get $w0))))
            (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $g) (local.get $w1))))
            (local.set $g (v128.load64_splat (i32.add (local.get $z3) (i32.shl (local.get $iu) (i32.const 3)))))
            (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $g) (local.get $w0))))
            (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $g) (local.get $w1))))
            (local.set $wi (i32.add (local.get $wi) (i32.shl (local.get $K4) (i32.const 3))))
            (local.set $iu (i32.add (local.get $iu) (i32.const 1)))
            (br $uloop)))
          (local.set $xo (i32.add (local.get $xoff) (i32.shl (local.get $r) (i32.const 2))))
          (call $scatter_row (i32.load (local.get $xo)) (local.get $kn)
            (local.get $q0) (local.get $q1) (local.get $q2) (local.get $q3) (local.get $c00) (local.get $c01))
          (if (i32.gt_s (local.get $rn) (i32.const 1)) (then
            (call $scatter_row (i32.load offset=4 (local.get $xo)) (local.get $kn)
              (local.get $q0) (local.get $q1) (local.get $q2) (local.get $q3) (local.get $c10) (local.get $c11))))
          (if (i32.gt_s (local.get $rn) (i32.const 2)) (then
            (call $scatter_row (i32.load offset=8 (local.get $xo)) (local.get $kn)
              (local.get $q0) (local.get $q1) (local.get $q2) (local.get $q3) (local.get $c20) (local.get $c21))))
          (if (i32.gt_s (local.get $rn) (i32.const 3)) (then
            (call $scatter_row (i32.load offset=12 (local.get $xo)) (local.get $kn)
              (local.get $q0) (local.get $q1) (local.get $q2) (local.get $q3) (local.get $c30) (local.get $c31))))
          (local.set $r (i32.add (local.get $r) (i32.const 4)))
          (br $rloop)))
        (local.set $k0 (i32.add (local.get $k0) (i32.const 4)))
        (br $kloop)))
      (local.set $r0 (i32.add (local.get $r0) (i32.const 128)))
      (br $rcloop)))
  )
)
