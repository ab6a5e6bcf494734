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
)
