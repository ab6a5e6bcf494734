;; WebAssembly SIMD (f64x2) kernels of epynn-ts, float64 throughout.
;; Assembled by scripts/build-wasm.mjs (wabt) into src/kernels/wasm/module.ts, with kernels2.wat (pooling,
;; the convolution's dX); tests/kernels/wasm.test.ts checks that rebuilding gives the committed bytes.
;;
;; Every kernel computes each output as the same sequence of IEEE operations, in the same order, as its
;; TypeScript counterpart in src/kernels/js (sums c += a·b taken element by element, no fused multiply-add,
;; no reassociation): SIMD only runs two independent outputs side by side. So both backends give the same
;; bits wherever they use the same blocking (documented at each kernel).
;;
;; Pointers are byte addresses in the linear memory; sizes are counts of doubles unless said otherwise.
;; The memory is imported (env.memory): the JS side decides whether it is shared (see runtime.ts).
(module
  (import "env" "memory" (memory 1 65536 SHARED))

  ;; Stores the first `rows` (1-4) rows and `cols` (1-4) columns of a 4×4 block held as 8 f64x2
  ;; (row i: ci0 = columns 0-1, ci1 = columns 2-3) at p, rows `ld` bytes apart. Edge blocks only.
  (func $store_edge (param $p i32) (param $ld i32) (param $rows i32) (param $cols i32)
    (param $c00 v128) (param $c01 v128) (param $c10 v128) (param $c11 v128)
    (param $c20 v128) (param $c21 v128) (param $c30 v128) (param $c31 v128)
    (call $store_row (local.get $p) (local.get $cols) (local.get $c00) (local.get $c01))
    (if (i32.gt_s (local.get $rows) (i32.const 1)) (then
      (call $store_row (i32.add (local.get $p) (local.get $ld)) (local.get $cols) (local.get $c10) (local.get $c11))))
    (if (i32.gt_s (local.get $rows) (i32.const 2)) (then
      (call $store_row (i32.add (local.get $p) (i32.shl (local.get $ld) (i32.const 1))) (local.get $cols) (local.get $c20) (local.get $c21))))
    (if (i32.gt_s (local.get $rows) (i32.const 3)) (then
      (call $store_row (i32.add (local.get $p) (i32.mul (local.get $ld) (i32.const 3))) (local.get $cols) (local.get $c30) (local.get $c31))))
  )

  (func $store_row (param $p i32) (param $cols i32) (param $v0 v128) (param $v1 v128)
    (f64.store (local.get $p) (f64x2.extract_lane 0 (local.get $v0)))
    (if (i32.gt_s (local.get $cols) (i32.const 1)) (then
      (f64.store offset=8 (local.get $p) (f64x2.extract_lane 1 (local.get $v0)))))
    (if (i32.gt_s (local.get $cols) (i32.const 2)) (then
      (f64.store offset=16 (local.get $p) (f64x2.extract_lane 0 (local.get $v1)))))
    (if (i32.gt_s (local.get $cols) (i32.const 3)) (then
      (f64.store offset=24 (local.get $p) (f64x2.extract_lane 1 (local.get $v1)))))
  )

  ;; GEMM macro-kernel over packed panels (src/kernels/js/gemm.ts packs them):
  ;;   A panel of 4 rows ir at pa + ir·kc·8:  Ap[(ir/4·kc + k)·4 + ii]
  ;;   B panel of 4 columns jr at pb + jr·kc·8:  Bp[(jr/4·kc + k)·4 + jj]
  ;; C tile (mc, nc) at pc, rows ldc doubles apart, overwritten with the sums over k = 0..kc-1 in order
  ;; (mc, nc multiples of 4: the panels are zero-padded). Same loop order and sums as the TS kernel.
  (func (export "gemm_tile") (param $mc i32) (param $nc i32) (param $kc i32)
    (param $pa i32) (param $pb i32) (param $pc i32) (param $ldc i32)
    (local $jr i32) (local $ir i32) (local $k i32) (local $ai i32) (local $bi i32) (local $ci i32)
    (local $ldb i32) (local $panel i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $a v128)
    (local.set $ldb (i32.shl (local.get $ldc) (i32.const 3)))
    (local.set $panel (i32.shl (local.get $kc) (i32.const 5))) ;; bytes of one 4-wide panel: kc·4·8
    (local.set $jr (i32.const 0))
    (block $jdone (loop $jloop
      (br_if $jdone (i32.ge_s (local.get $jr) (local.get $nc)))
      (local.set $ir (i32.const 0))
      (block $idone (loop $iloop
        (br_if $idone (i32.ge_s (local.get $ir) (local.get $mc)))
        (local.set $ai (i32.add (local.get $pa) (i32.mul (i32.shr_u (local.get $ir) (i32.const 2)) (local.get $panel))))
        (local.set $bi (i32.add (local.get $pb) (i32.mul (i32.shr_u (local.get $jr) (i32.const 2)) (local.get $panel))))
        (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
        (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
        (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
        (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
        (local.set $k (local.get $kc))
        (block $kdone (loop $kloop
          (br_if $kdone (i32.eqz (local.get $k)))
          (local.set $b0 (v128.load (local.get $bi)))
          (local.set $b1 (v128.load offset=16 (local.get $bi)))
          (local.set $a (v128.load64_splat (local.get $ai)))
          (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load64_splat offset=8 (local.get $ai)))
          (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load64_splat offset=16 (local.get $ai)))
          (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load64_splat offset=24 (local.get $ai)))
          (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $ai (i32.add (local.get $ai) (i32.const 32)))
          (local.set $bi (i32.add (local.get $bi) (i32.const 32)))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $kloop)))
        (local.set $ci (i32.add (local.get $pc)
          (i32.shl (i32.add (i32.mul (local.get $ir) (local.get $ldc)) (local.get $jr)) (i32.const 3))))
        (v128.store (local.get $ci) (local.get $c00))
        (v128.store offset=16 (local.get $ci) (local.get $c01))
        (local.set $ci (i32.add (local.get $ci) (local.get $ldb)))
        (v128.store (local.get $ci) (local.get $c10))
        (v128.store offset=16 (local.get $ci) (local.get $c11))
        (local.set $ci (i32.add (local.get $ci) (local.get $ldb)))
        (v128.store (local.get $ci) (local.get $c20))
        (v128.store offset=16 (local.get $ci) (local.get $c21))
        (local.set $ci (i32.add (local.get $ci) (local.get $ldb)))
        (v128.store (local.get $ci) (local.get $c30))
        (v128.store offset=16 (local.get $ci) (local.get $c31))
        (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
        (br $iloop)))
      (local.set $jr (i32.add (local.get $jr) (i32.const 4)))
      (br $jloop)))
  )

  ;; Direct convolution forward ("implicit GEMM", see src/kernels/js/conv.ts directForward):
  ;;   Z[r, iu] = b[iu] + Σ_k x[xoff[r] + koff[k]] · W[k, iu]     for r < M, iu < u
  ;; xoff: i32 byte ADDRESSES of each row's window (padded to a multiple of 4 entries by repeating the
  ;; last), koff: i32 byte offsets of each window entry; wp: W packed in 4-column panels (packW);
  ;; b: u rounded up to 4 doubles (zeros without bias); z: (M, u) overwritten. With a ≠ 0, a = relu(z)
  ;; = max(z, 0) is stored too (f64x2.max: +0 for z ≤ 0 or −0, NaN stays NaN, as relu()).
  ;; Register block 4 rows × 4 units; each sum starts at b and adds the K products in order.
  (func (export "conv_fwd") (param $xoff i32) (param $koff i32) (param $M i32) (param $K i32) (param $u i32)
    (param $wp i32) (param $b i32) (param $z i32) (param $a i32)
    (local $r0 i32) (local $rEnd i32) (local $u0 i32) (local $r i32) (local $k i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $kk i32) (local $wi i32) (local $ko i32)
    (local $ci i32) (local $ld i32) (local $rows i32) (local $cols i32)
    (local $bv0 v128) (local $bv1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $w0 v128) (local $w1 v128) (local $x v128) (local $zero v128)
    (local.set $ld (i32.shl (local.get $u) (i32.const 3)))
    (local.set $r0 (i32.const 0))
    (block $rcdone (loop $rcloop
      (br_if $rcdone (i32.ge_s (local.get $r0) (local.get $M)))
      (local.set $rEnd (i32.add (local.get $r0) (i32.const 128)))
      (if (i32.gt_s (local.get $rEnd) (local.get $M)) (then (local.set $rEnd (local.get $M))))
      (local.set $u0 (i32.const 0))
      (block $udone (loop $uloop
        (br_if $udone (i32.ge_s (local.get $u0) (local.get $u)))
        (local.set $bv0 (v128.load (i32.add (local.get $b) (i32.shl (local.get $u0) (i32.const 3)))))
        (local.set $bv1 (v128.load offset=16 (i32.add (local.get $b) (i32.shl (local.get $u0) (i32.const 3)))))
        (local.set $r (local.get $r0))
        (block $rdone (loop $rloop
          (br_if $rdone (i32.ge_s (local.get $r) (local.get $rEnd)))
          (local.set $o0 (i32.load (i32.add (local.get $xoff) (i32.shl (local.get $r) (i32.const 2)))))
          (local.set $o1 (i32.load offset=4 (i32.add (local.get $xoff) (i32.shl (local.get $r) (i32.const 2)))))
          (local.set $o2 (i32.load offset=8 (i32.add (local.get $xoff) (i32.shl (local.get $r) (i32.const 2)))))
          (local.set $o3 (i32.load offset=12 (i32.add (local.get $xoff) (i32.shl (local.get $r) (i32.const 2)))))
          (local.set $c00 (local.get $bv0)) (local.set $c01 (local.get $bv1))
          (local.set $c10 (local.get $bv0)) (local.set $c11 (local.get $bv1))
          (local.set $c20 (local.get $bv0)) (local.set $c21 (local.get $bv1))
          (local.set $c30 (local.get $bv0)) (local.set $c31 (local.get $bv1))
          (local.set $wi (i32.add (local.get $wp) (i32.shl (i32.mul (local.get $u0) (local.get $K)) (i32.const 3))))
          (local.set $ko (local.get $koff))
          (local.set $k (local.get $K))
          (block $kdone (loop $kloop
            (br_if $kdone (i32.eqz (local.get $k)))
            (local.set $kk (i32.load (local.get $ko)))
            (local.set $w0 (v128.load (local.get $wi)))
            (local.set $w1 (v128.load offset=16 (local.get $wi)))
            (local.set $x (v128.load64_splat (i32.add (local.get $o0) (local.get $kk))))
            (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $w0))))
            (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $w1))))
            (local.set $x (v128.load64_splat (i32.add (local.get $o1) (local.get $kk))))
            (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $w0))))
            (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $w1))))
            (local.set $x (v128.load64_splat (i32.add (local.get $o2) (local.get $kk))))
            (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $w0))))
            (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $w1))))
            (local.set $x (v128.load64_splat (i32.add (local.get $o3) (local.get $kk))))
            (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $w0))))
            (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $w1))))
            (local.set $wi (i32.add (local.get $wi) (i32.const 32)))
            (local.set $ko (i32.add (local.get $ko) (i32.const 4)))
            (local.set $k (i32.sub (local.get $k) (i32.const 1)))
            (br $kloop)))
          (local.set $ci (i32.add (local.get $z)
            (i32.shl (i32.add (i32.mul (local.get $r) (local.get $u)) (local.get $u0)) (i32.const 3))))
          (local.set $rows (i32.sub (local.get $M) (local.get $r)))
          (local.set $cols (i32.sub (local.get $u) (local.get $u0)))
          (if (i32.and (i32.ge_s (local.get $rows) (i32.const 4)) (i32.ge_s (local.get $cols) (i32.const 4)))
            (then
              (v128.store (local.get $ci) (local.get $c00))
              (v128.store offset=16 (local.get $ci) (local.get $c01))
              (v128.store (i32.add (local.get $ci) (local.get $ld)) (local.get $c10))
              (v128.store offset=16 (i32.add (local.get $ci) (local.get $ld)) (local.get $c11))
              (v128.store (i32.add (local.get $ci) (i32.shl (local.get $ld) (i32.const 1))) (local.get $c20))
              (v128.store offset=16 (i32.add (local.get $ci) (i32.shl (local.get $ld) (i32.const 1))) (local.get $c21))
              (v128.store (i32.add (local.get $ci) (i32.mul (local.get $ld) (i32.const 3))) (local.get $c30))
              (v128.store offset=16 (i32.add (local.get $ci) (i32.mul (local.get $ld) (i32.const 3))) (local.get $c31)))
            (else
              (call $store_edge (local.get $ci) (local.get $ld) (local.get $rows) (local.get $cols)
                (local.get $c00) (local.get $c01) (local.get $c10) (local.get $c11)
                (local.get $c20) (local.get $c21) (local.get $c30) (local.get $c31))))
          (if (local.get $a) (then
            (local.set $zero (v128.const i64x2 0 0))
            (local.set $ci (i32.add (local.get $a)
              (i32.shl (i32.add (i32.mul (local.get $r) (local.get $u)) (local.get $u0)) (i32.const 3))))
            (local.set $c00 (f64x2.max (local.get $c00) (local.get $zero)))
            (local.set $c01 (f64x2.max (local.get $c01) (local.get $zero)))
            (local.set $c10 (f64x2.max (local.get $c10) (local.get $zero)))
            (local.set $c11 (f64x2.max (local.get $c11) (local.get $zero)))
            (local.set $c20 (f64x2.max (local.get $c20) (local.get $zero)))
            (local.set $c21 (f64x2.max (local.get $c21) (local.get $zero)))
            (local.set $c30 (f64x2.max (local.get $c30) (local.get $zero)))
            (local.set $c31 (f64x2.max (local.get $c31) (local.get $zero)))
            (if (i32.and (i32.ge_s (local.get $rows) (i32.const 4)) (i32.ge_s (local.get $cols) (i32.const 4)))
              (then
                (v128.store (local.get $ci) (local.get $c00))
                (v128.store offset=16 (local.get $ci) (local.get $c01))
                (v128.store (i32.add (local.get $ci) (local.get $ld)) (local.get $c10))
                (v128.store offset=16 (i32.add (local.get $ci) (local.get $ld)) (local.get $c11))
                (v128.store (i32.add (local.get $ci) (i32.shl (local.get $ld) (i32.const 1))) (local.get $c20))
                (v128.store offset=16 (i32.add (local.get $ci) (i32.shl (local.get $ld) (i32.const 1))) (local.get $c21))
                (v128.store (i32.add (local.get $ci) (i32.mul (local.get $ld) (i32.const 3))) (local.get $c30))
                (v128.store offset=16 (i32.add (local.get $ci) (i32.mul (local.get $ld) (i32.const 3))) (local.get $c31)))
              (else
                (call $store_edge (local.get $ci) (local.get $ld) (local.get $rows) (local.get $cols)
                  (local.get $c00) (local.get $c01) (local.get $c10) (local.get $c11)
                  (local.get $c20) (local.get $c21) (local.get $c30) (local.get $c31))))))
          (local.set $r (i32.add (local.get $r) (i32.const 4)))
          (br $rloop)))
        (local.set $u0 (i32.add (local.get $u0) (i32.const 4)))
        (br $uloop)))
      (local.set $r0 (i32.add (local.get $r0) (i32.const 128)))
      (br $rcloop)))
  )

  ;; Direct convolution weight gradient (see directGradW in src/kernels/js/conv.ts):
  ;;   dW[k, iu] += Σ_{r in chunk} x[xoff[r] + koff[k]] · dZ[r, iu]    chunk by chunk of 128 rows
  ;;   db[iu]    += dZ[r, iu] row after row                             (db ≠ 0)
  ;; dz rows ldz doubles apart (ldz a multiple of 4, columns past u zero), koff padded to a multiple of
  ;; 4 entries; dw (K rounded up to 4, ldz) and db (ldz) are scratch the caller zeroed and then crops.
  ;; Each chunk's partial sums are taken in row order and added to dW in chunk order: the TS kernel's
  ;; order, so both give the same bits. Register block 4 entries × 4 units.
  (func (export "conv_dw") (param $xoff i32) (param $koff i32) (param $M i32) (param $K i32)
    (param $dz i32) (param $ldz i32) (param $dw i32) (param $db i32)
    (local $r0 i32) (local $rEnd i32) (local $k0 i32) (local $u0 i32) (local $r i32)
    (local $q0 i32) (local $q1 i32) (local $q2 i32) (local $q3 i32) (local $o i32) (local $zi i32) (local $zs i32)
    (local $ci i32) (local $ld i32) (local $xo i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $g0 v128) (local $g1 v128) (local $x v128)
    (local.set $ld (i32.shl (local.get $ldz) (i32.const 3)))
    (local.set $r0 (i32.const 0))
    (block $rcdone (loop $rcloop
      (br_if $rcdone (i32.ge_s (local.get $r0) (local.get $M)))
      (local.set $rEnd (i32.add (local.get $r0) (i32.const 128)))
      (if (i32.gt_s (local.get $rEnd) (local.get $M)) (then (local.set $rEnd (local.get $M))))
      (local.set $zs (i32.add (local.get $dz) (i32.mul (local.get $r0) (local.get $ld))))
      ;; (1.2) db += the chunk's rows in order, 2 columns per f64x2
      (if (local.get $db) (then
        (local.set $u0 (i32.const 0))
        (block $bdone (loop $bloop
          (br_if $bdone (i32.ge_s (local.get $u0) (local.get $ldz)))
          (local.set $ci (i32.add (local.get $db) (i32.shl (local.get $u0) (i32.const 3))))
          (local.set $g0 (v128.load (local.get $ci)))
          (local.set $zi (i32.add (local.get $zs) (i32.shl (local.get $u0) (i32.const 3))))
          (local.set $r (local.get $r0))
          (block $brdone (loop $brloop
            (br_if $brdone (i32.ge_s (local.get $r) (local.get $rEnd)))
            (local.set $g0 (f64x2.add (local.get $g0) (v128.load (local.get $zi))))
            (local.set $zi (i32.add (local.get $zi) (local.get $ld)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $brloop)))
          (v128.store (local.get $ci) (local.get $g0))
          (local.set $u0 (i32.add (local.get $u0) (i32.const 2)))
          (br $bloop)))))
      (local.set $k0 (i32.const 0))
      (block $kdone (loop $kloop
        (br_if $kdone (i32.ge_s (local.get $k0) (local.get $K)))
        (local.set $q0 (i32.load (i32.add (local.get $koff) (i32.shl (local.get $k0) (i32.const 2)))))
        (local.set $q1 (i32.load offset=4 (i32.add (local.get $koff) (i32.shl (local.get $k0) (i32.const 2)))))
        (local.set $q2 (i32.load offset=8 (i32.add (local.get $koff) (i32.shl (local.get $k0) (i32.const 2)))))
        (local.set $q3 (i32.load offset=12 (i32.add (local.get $koff) (i32.shl (local.get $k0) (i32.const 2)))))
        (local.set $u0 (i32.const 0))
        (block $udone (loop $uloop
          (br_if $udone (i32.ge_s (local.get $u0) (local.get $ldz)))
          (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
          (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
          (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
          (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
          (local.set $zi (i32.add (local.get $zs) (i32.shl (local.get $u0) (i32.const 3))))
          (local.set $xo (i32.add (local.get $xoff) (i32.shl (local.get $r0) (i32.const 2))))
          (local.set $r (i32.sub (local.get $rEnd) (local.get $r0)))
          (block $rdone (loop $rloop
            (br_if $rdone (i32.eqz (local.get $r)))
            (local.set $o (i32.load (local.get $xo)))
            (local.set $g0 (v128.load (local.get $zi)))
            (local.set $g1 (v128.load offset=16 (local.get $zi)))
            (local.set $x (v128.load64_splat (i32.add (local.get $o) (local.get $q0))))
            (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $g0))))
            (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $g1))))
            (local.set $x (v128.load64_splat (i32.add (local.get $o) (local.get $q1))))
            (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $g0))))
            (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $g1))))
            (local.set $x (v128.load64_splat (i32.add (local.get $o) (local.get $q2))))
            (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $g0))))
            (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $g1))))
            (local.set $x (v128.load64_splat (i32.add (local.get $o) (local.get $q3))))
            (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $g0))))
            (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $g1))))
            (local.set $zi (i32.add (local.get $zi) (local.get $ld)))
            (local.set $xo (i32.add (local.get $xo) (i32.const 4)))
            (local.set $r (i32.sub (local.get $r) (i32.const 1)))
            (br $rloop)))
          ;; dW rows k0..k0+3 (scratch of K rounded up to 4 rows), columns u0..u0+3
          (local.set $ci (i32.add (local.get $dw)
            (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $ldz)) (local.get $u0)) (i32.const 3))))
          (v128.store (local.get $ci) (f64x2.add (v128.load (local.get $ci)) (local.get $c00)))
          (v128.store offset=16 (local.get $ci) (f64x2.add (v128.load offset=16 (local.get $ci)) (local.get $c01)))
          (local.set $ci (i32.add (local.get $ci) (local.get $ld)))
          (v128.store (local.get $ci) (f64x2.add (v128.load (local.get $ci)) (local.get $c10)))
          (v128.store offset=16 (local.get $ci) (f64x2.add (v128.load offset=16 (local.get $ci)) (local.get $c11)))
          (local.set $ci (i32.add (local.get $ci) (local.get $ld)))
          (v128.store (local.get $ci) (f64x2.add (v128.load (local.get $ci)) (local.get $c20)))
          (v128.store offset=16 (local.get $ci) (f64x2.add (v128.load offset=16 (local.get $ci)) (local.get $c21)))
          (local.set $ci (i32.add (local.get $ci) (local.get $ld)))
          (v128.store (local.get $ci) (f64x2.add (v128.load (local.get $ci)) (local.get $c30)))
          (v128.store offset=16 (local.get $ci) (f64x2.add (v128.load offset=16 (local.get $ci)) (local.get $c31)))
          (local.set $u0 (i32.add (local.get $u0) (i32.const 4)))
          (br $uloop)))
        (local.set $k0 (i32.add (local.get $k0) (i32.const 4)))
        (br $kloop)))
      (local.set $r0 (i32.add (local.get $r0) (i32.const 128)))
      (br $rcloop)))
  )

  ;; dZ = dA ⊙ relu'(Z) = g · [z > 0] (the relu branch of activationBackward), n doubles (n even or the
  ;; buffers readable one past n: the last odd element is done alone).
  (func (export "relu_bwd") (param $g i32) (param $zp i32) (param $out i32) (param $n i32)
    (local $i i32) (local $one v128) (local $zero v128)
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $zero (v128.const i64x2 0 0))
    (local.set $i (i32.shr_u (local.get $n) (i32.const 1)))
    (block $done (loop $loop
      (br_if $done (i32.eqz (local.get $i)))
      (v128.store (local.get $out)
        (f64x2.mul (v128.load (local.get $g))
          (v128.and (f64x2.gt (v128.load (local.get $zp)) (local.get $zero)) (local.get $one))))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $zp (i32.add (local.get $zp) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br $loop)))
    (if (i32.and (local.get $n) (i32.const 1)) (then
      (f64.store (local.get $out)
        (f64.mul (f64.load (local.get $g))
          (select (f64.const 1) (f64.const 0) (f64.gt (f64.load (local.get $zp)) (f64.const 0)))))))
  )
)
