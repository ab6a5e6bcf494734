;; WebAssembly SIMD (f32x4) kernels of epynn-ts for float32 (issue 28).
;; Assembled by scripts/build-wasm.mjs (wabt) into src/kernels/wasm/module.ts.
;;
;; Each output is the same sequence of IEEE float32 operations, in the same order, as the TypeScript
;; float32 kernels of src/kernels/js/f32.ts (products and sums rounded to float32 one by one, as
;; Math.fround of the double result gives: exact for +, ×; no fused multiply-add, no reassociation):
;; SIMD only runs four independent outputs side by side. So both backends give the same bits.
(module
  (import "env" "memory" (memory 1 65536 SHARED))

  ;; GEMM block over packed float32 panels:
  ;;   A panel of 4 rows ir at pa + (ir/4)·kc·16:  Ap[(ir/4·kc + k)·4 + ii]
  ;;   B panel of 8 columns jr at pb + (jr/8)·kc·32:  Bp[(jr/8·kc + k)·8 + jj]
  ;; T (mc, nc) at pt, rows nc floats apart, overwritten with t = Σ_k a·b over k = 0..kc-1 in order, from
  ;; +0 (mc a multiple of 4, nc of 8: the panels are zero-padded). Register block 4 rows × 8 columns.
  (func (export "gemm32_block") (param $mc i32) (param $nc i32) (param $kc i32)
    (param $pa i32) (param $pb i32) (param $pt i32)
    (local $jr i32) (local $ir i32) (local $k i32) (local $ai i32) (local $bi i32) (local $ti i32)
    (local $ldt i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $a v128)
    (local.set $ldt (i32.shl (local.get $nc) (i32.const 2)))
    (local.set $jr (i32.const 0))
    (block $jdone (loop $jloop
      (br_if $jdone (i32.ge_s (local.get $jr) (local.get $nc)))
      (local.set $ir (i32.const 0))
      (block $idone (loop $iloop
        (br_if $idone (i32.ge_s (local.get $ir) (local.get $mc)))
        ;; A panel ir/4: kc·4 floats = kc·16 bytes; B panel jr/8: kc·8 floats = kc·32 bytes
        (local.set $ai (i32.add (local.get $pa) (i32.mul (i32.shr_u (local.get $ir) (i32.const 2)) (i32.shl (local.get $kc) (i32.const 4)))))
        (local.set $bi (i32.add (local.get $pb) (i32.mul (i32.shr_u (local.get $jr) (i32.const 3)) (i32.shl (local.get $kc) (i32.const 5)))))
        (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
        (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
        (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
        (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
        (local.set $k (local.get $kc))
        (block $kdone (loop $kloop
          (br_if $kdone (i32.eqz (local.get $k)))
          (local.set $b0 (v128.load (local.get $bi)))
          (local.set $b1 (v128.load offset=16 (local.get $bi)))
          (local.set $a (v128.load32_splat (local.get $ai)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=4 (local.get $ai)))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=8 (local.get $ai)))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=12 (local.get $ai)))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $ai (i32.add (local.get $ai) (i32.const 16)))
          (local.set $bi (i32.add (local.get $bi) (i32.const 32)))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $kloop)))
        (local.set $ti (i32.add (local.get $pt)
          (i32.shl (i32.add (i32.mul (local.get $ir) (local.get $nc)) (local.get $jr)) (i32.const 2))))
        (v128.store (local.get $ti) (local.get $c00))
        (v128.store offset=16 (local.get $ti) (local.get $c01))
        (local.set $ti (i32.add (local.get $ti) (local.get $ldt)))
        (v128.store (local.get $ti) (local.get $c10))
        (v128.store offset=16 (local.get $ti) (local.get $c11))
        (local.set $ti (i32.add (local.get $ti) (local.get $ldt)))
        (v128.store (local.get $ti) (local.get $c20))
        (v128.store offset=16 (local.get $ti) (local.get $c21))
        (local.set $ti (i32.add (local.get $ti) (local.get $ldt)))
        (v128.store (local.get $ti) (local.get $c30))
        (v128.store offset=16 (local.get $ti) (local.get $c31))
        (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
        (br $iloop)))
      (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
      (br $jloop)))
  )
;; Direct convolution forward in float32 ("implicit GEMM", see src/kernels/js/f32.ts convForward32):
  ;;   Z[r, iu] = b[iu] + Σ_k x[xoff[r] + koff[k]] · W[k, iu]     for r < M, iu < u (u a multiple of 8)
  ;; each sum from b, adding the K products in order, rounded to float32 one by one. xoff: i32 byte
  ;; ADDRESSES of each row's window (M rounded up to 4 entries by repeating the last), koff: i32 byte
  ;; offsets of the window entries; wp: W in panels of 8 units, wp[(u0/8·K + k)·8 + j]; b: u floats
  ;; (zeros without bias). z (M, u) overwritten when z ≠ 0; with a ≠ 0, a = relu(z) = max(z, +0) too
  ;; (+0 for z ≤ 0 and −∞, NaN stays NaN). Register block 4 rows × 8 units.
  (func (export "conv32_fwd") (param $xoff i32) (param $koff i32) (param $M i32) (param $K i32) (param $u i32)
    (param $wp i32) (param $b i32) (param $z i32) (param $a i32)
    (local $u0 i32) (local $r i32) (local $k i32) (local $wi i32) (local $ki i32) (local $kk i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $row i32) (local $ldz i32) (local $i i32)
    (local $bv0 v128) (local $bv1 v128) (local $w0 v128) (local $w1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $ldz (i32.shl (local.get $u) (i32.const 2)))
    (local.set $u0 (i32.const 0))
    (block $udone (loop $uloop
      (br_if $udone (i32.ge_s (local.get $u0) (local.get $u)))
      (local.set $bv0 (v128.load (i32.add (local.get $b) (i32.shl (local.get $u0) (i32.const 2)))))
      (local.set $bv1 (v128.load offset=16 (i32.add (local.get $b) (i32.shl (local.get $u0) (i32.const 2)))))
      (local.set $r (i32.const 0))
      (block $rdone (loop $rloop
        (br_if $rdone (i32.ge_s (local.get $r) (local.get $M)))
        (local.set $o0 (i32.load (i32.add (local.get $xoff) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $o1 (i32.load offset=4 (i32.add (local.get $xoff) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $o2 (i32.load offset=8 (i32.add (local.get $xoff) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $o3 (i32.load offset=12 (i32.add (local.get $xoff) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $c00 (local.get $bv0)) (local.set $c01 (local.get $bv1))
        (local.set $c10 (local.get $bv0)) (local.set $c11 (local.get $bv1))
        (local.set $c20 (local.get $bv0)) (local.set $c21 (local.get $bv1))
        (local.set $c30 (local.get $bv0)) (local.set $c31 (local.get $bv1))
        (local.set $wi (i32.add (local.get $wp) (i32.mul (local.get $u0) (i32.shl (local.get $K) (i32.const 2)))))
        (local.set $ki (local.get $koff))
        (local.set $k (local.get $K))
        (block $kdone (loop $kloop
          (br_if $kdone (i32.eqz (local.get $k)))
          (local.set $kk (i32.load (local.get $ki)))
          (local.set $w0 (v128.load (local.get $wi)))
          (local.set $w1 (v128.load offset=16 (local.get $wi)))
          (local.set $x (v128.load32_splat (i32.add (local.get $o0) (local.get $kk))))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $w0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $w1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $o1) (local.get $kk))))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $w0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $w1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $o2) (local.get $kk))))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $w0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $w1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $o3) (local.get $kk))))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $w0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $w1))))
          (local.set $wi (i32.add (local.get $wi) (i32.const 32)))
          (local.set $ki (i32.add (local.get $ki) (i32.const 4)))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $kloop)))
        ;; Rows r..r+3 that are < M: z and/or a at (row·u + u0)·4
        (local.set $row (i32.shl (i32.add (i32.mul (local.get $r) (local.get $u)) (local.get $u0)) (i32.const 2)))
        (local.set $i (i32.const 0))
        (block $sdone (loop $sloop
          (br_if $sdone (i32.or (i32.ge_s (local.get $i) (i32.const 4)) (i32.ge_s (i32.add (local.get $r) (local.get $i)) (local.get $M))))
          (if (local.get $z) (then
            (v128.store (i32.add (local.get $z) (local.get $row)) (local.get $c00))
            (v128.store offset=16 (i32.add (local.get $z) (local.get $row)) (local.get $c01))))
          (if (local.get $a) (then
            (v128.store (i32.add (local.get $a) (local.get $row)) (f32x4.max (local.get $c00) (v128.const i64x2 0 0)))
            (v128.store offset=16 (i32.add (local.get $a) (local.get $row)) (f32x4.max (local.get $c01) (v128.const i64x2 0 0)))))
          ;; next row: shift the accumulators up
          (local.set $c00 (local.get $c10)) (local.set $c01 (local.get $c11))
          (local.set $c10 (local.get $c20)) (local.set $c11 (local.get $c21))
          (local.set $c20 (local.get $c30)) (local.set $c21 (local.get $c31))
          (local.set $row (i32.add (local.get $row) (local.get $ldz)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $sloop)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rloop)))
      (local.set $u0 (i32.add (local.get $u0) (i32.const 8)))
      (br $uloop)))
  )
)
