;; WebAssembly SIMD (f64x2) kernels of epynn-ts, fourth module: the element-wise work of the recurrent
;; layers' steps and the product of one step (see kernels3.wat for the activations). Same rules as
;; kernels.wat: each output is the expression of the TypeScript loop it replaces, operation for
;; operation (no fused multiply-add, no reassociation), so both backends give the same bits.
(module
  (import "env" "memory" (memory 1 65536 SHARED))

  ;; Element-wise over m rows of u doubles (u even), row i of every operand at its pointer + i·ld bytes:
  ;;   op 0  o = a                 op 1  o = a·b              op 2  o = a + b
  ;;   op 3  o = a·b·c             op 4  o = a·b·c + d        op 5  o = (a + b)·c
  ;;   op 6  o = a·b + c·d         op 7  o = a·(1 − b)·c      op 8  o = a·(b − c)·d
  ;;   op 9  o = a·b + (1 − a)·c   op 10 o = 1 − a·a          op 11 o = a·(1 − a)
  ;; (products taken left to right, as the TypeScript expressions). Unused operands are not read.
  (func (export "rec_ew") (param $op i32) (param $o i32) (param $a i32) (param $b i32) (param $c i32) (param $d i32)
    (param $m i32) (param $u i32) (param $ld i32)
    (local $i i32) (local $x i32) (local $end i32) (local $r v128) (local $one v128)
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $u (i32.shl (local.get $u) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $idone (loop $iloop
      (br_if $idone (i32.ge_s (local.get $i) (local.get $m)))
      (local.set $x (i32.mul (local.get $i) (local.get $ld)))
      (local.set $end (i32.add (local.get $x) (local.get $u)))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $x) (local.get $end)))
        (block $store
          (block $o11 (block $o10 (block $o9 (block $o8 (block $o7 (block $o6 (block $o5 (block $o4 (block $o3 (block $o2 (block $o1 (block $o0
            (br_table $o0 $o1 $o2 $o3 $o4 $o5 $o6 $o7 $o8 $o9 $o10 $o11 $o0 (local.get $op)))
            (local.set $r (v128.load (i32.add (local.get $a) (local.get $x))))
            (br $store))
            (local.set $r (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $x))) (v128.load (i32.add (local.get $b) (local.get $x)))))
            (br $store))
            (local.set $r (f64x2.add (v128.load (i32.add (local.get $a) (local.get $x))) (v128.load (i32.add (local.get $b) (local.get $x)))))
            (br $store))
            (local.set $r (f64x2.mul (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $x))) (v128.load (i32.add (local.get $b) (local.get $x))))
              (v128.load (i32.add (local.get $c) (local.get $x)))))
            (br $store))
            (local.set $r (f64x2.add (f64x2.mul (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $x))) (v128.load (i32.add (local.get $b) (local.get $x))))
              (v128.load (i32.add (local.get $c) (local.get $x)))) (v128.load (i32.add (local.get $d) (local.get $x)))))
            (br $store))
            (local.set $r (f64x2.mul (f64x2.add (v128.load (i32.add (local.get $a) (local.get $x))) (v128.load (i32.add (local.get $b) (local.get $x))))
              (v128.load (i32.add (local.get $c) (local.get $x)))))
            (br $store))
            (local.set $r (f64x2.add (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $x))) (v128.load (i32.add (local.get $b) (local.get $x))))
              (f64x2.mul (v128.load (i32.add (local.get $c) (local.get $x))) (v128.load (i32.add (local.get $d) (local.get $x))))))
            (br $store))
            (local.set $r (f64x2.mul (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $x)))
              (f64x2.sub (local.get $one) (v128.load (i32.add (local.get $b) (local.get $x))))) (v128.load (i32.add (local.get $c) (local.get $x)))))
            (br $store))
            (local.set $r (f64x2.mul (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $x)))
              (f64x2.sub (v128.load (i32.add (local.get $b) (local.get $x))) (v128.load (i32.add (local.get $c) (local.get $x)))))
              (v128.load (i32.add (local.get $d) (local.get $x)))))
            (br $store))
            (local.set $r (v128.load (i32.add (local.get $a) (local.get $x))))
            (local.set $r (f64x2.add (f64x2.mul (local.get $r) (v128.load (i32.add (local.get $b) (local.get $x))))
              (f64x2.mul (f64x2.sub (local.get $one) (local.get $r)) (v128.load (i32.add (local.get $c) (local.get $x))))))
            (br $store))
            (local.set $r (v128.load (i32.add (local.get $a) (local.get $x))))
            (local.set $r (f64x2.sub (local.get $one) (f64x2.mul (local.get $r) (local.get $r))))
            (br $store))
          (local.set $r (v128.load (i32.add (local.get $a) (local.get $x))))
          (local.set $r (f64x2.mul (local.get $r) (f64x2.sub (local.get $one) (local.get $r)))))
        (v128.store (i32.add (local.get $o) (local.get $x)) (local.get $r))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $jloop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $iloop))))

  ;; db[j] = Σ_r G[r, j] over rows r = 0..rows-1 in order (u even, G contiguous (rows, u)), from zero.
  (func (export "rec_colsum") (param $db i32) (param $g i32) (param $rows i32) (param $u i32)
    (local $j i32) (local $p i32) (local $r i32) (local $s v128) (local $ld i32)
    (local.set $ld (i32.shl (local.get $u) (i32.const 3)))
    (local.set $j (i32.const 0))
    (block $jdone (loop $jloop
      (br_if $jdone (i32.ge_s (local.get $j) (local.get $ld)))
      (local.set $s (v128.const i64x2 0 0))
      (local.set $p (i32.add (local.get $g) (local.get $j)))
      (local.set $r (local.get $rows))
      (block $rdone (loop $rloop
        (br_if $rdone (i32.eqz (local.get $r)))
        (local.set $s (f64x2.add (local.get $s) (v128.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $ld)))
        (local.set $r (i32.sub (local.get $r) (i32.const 1)))
        (br $rloop)))
      (v128.store (i32.add (local.get $db) (local.get $j)) (local.get $s))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $jloop))))

  ;; C (M, N) [+]= A (M, K) · B (K, N) without packing, for the products of one step:
  ;;   A[i, k] at a + i·ars + 8k, B[k, j] at b + 8(k·N + j) (contiguous), C[i, j] at c + i·ldc + 8j
  ;; (ars, ldc in bytes). Blocks of 4 rows × 4 columns (N a multiple of 4; rows past M repeat the
  ;; last row and are not stored); each sum taken over k = 0..K-1 in order from zero, then added to C
  ;; (acc ≠ 0) or stored: the packed GEMM's order for K ≤ 256 (its depth block), so the same bits.
  (func (export "rec_mm") (param $M i32) (param $N i32) (param $K i32) (param $a i32) (param $ars i32)
    (param $b i32) (param $c i32) (param $ldc i32) (param $acc i32)
    (local $i i32) (local $j i32) (local $k i32) (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $bp i32) (local $cp i32) (local $ldb i32) (local $rows i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local.set $ldb (i32.shl (local.get $N) (i32.const 3)))
    (local.set $K (i32.shl (local.get $K) (i32.const 3))) ;; bytes from here on
    (local.set $i (i32.const 0))
    (block $idone (loop $iloop
      (br_if $idone (i32.ge_s (local.get $i) (local.get $M)))
      (local.set $rows (i32.sub (local.get $M) (local.get $i)))
      (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ars))))
      (local.set $a1 (select (i32.add (local.get $a0) (local.get $ars)) (local.get $a0) (i32.gt_s (local.get $rows) (i32.const 1))))
      (local.set $a2 (select (i32.add (local.get $a1) (local.get $ars)) (local.get $a1) (i32.gt_s (local.get $rows) (i32.const 2))))
      (local.set $a3 (select (i32.add (local.get $a2) (local.get $ars)) (local.get $a2) (i32.gt_s (local.get $rows) (i32.const 3))))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $ldb)))
        (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
        (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
        (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
        (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
        (local.set $bp (i32.add (local.get $b) (local.get $j)))
        (local.set $k (i32.const 0))
        (block $kdone (loop $kloop
          (br_if $kdone (i32.ge_s (local.get $k) (local.get $K)))
          (local.set $b0 (v128.load (local.get $bp)))
          (local.set $b1 (v128.load offset=16 (local.get $bp)))
          (local.set $x (v128.load64_splat (i32.add (local.get $a0) (local.get $k))))
          (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat (i32.add (local.get $a1) (local.get $k))))
          (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat (i32.add (local.get $a2) (local.get $k))))
          (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load64_splat (i32.add (local.get $a3) (local.get $k))))
          (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $bp (i32.add (local.get $bp) (local.get $ldb)))
          (local.set $k (i32.add (local.get $k) (i32.const 8)))
          (br $kloop)))
        ;; Rows of C at c + i·ldc + j
        (local.set $cp (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (local.get $j)))
        (call $put (local.get $cp) (local.get $acc) (local.get $c00) (local.get $c01))
        (if (i32.gt_s (local.get $rows) (i32.const 1)) (then
          (call $put (i32.add (local.get $cp) (local.get $ldc)) (local.get $acc) (local.get $c10) (local.get $c11))))
        (if (i32.gt_s (local.get $rows) (i32.const 2)) (then
          (call $put (i32.add (local.get $cp) (i32.shl (local.get $ldc) (i32.const 1))) (local.get $acc) (local.get $c20) (local.get $c21))))
        (if (i32.gt_s (local.get $rows) (i32.const 3)) (then
          (call $put (i32.add (local.get $cp) (i32.mul (local.get $ldc) (i32.const 3))) (local.get $acc) (local.get $c30) (local.get $c31))))
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br $jloop)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $iloop))))

  ;; rec_mm with A read by columns: A[i, k] at a + k·lda + 8i (A stored transposed, (K, M) with rows lda
  ;; bytes apart; M a multiple of 4), e.g. the gradients' Xᵀ · G over all rows. Same sums as rec_mm.
  (func (export "rec_mm_tn") (param $M i32) (param $N i32) (param $K i32) (param $a i32) (param $lda i32)
    (param $b i32) (param $c i32) (param $ldc i32) (param $acc i32)
    (local $i i32) (local $j i32) (local $k i32) (local $ap i32) (local $bp i32) (local $cp i32) (local $ldb i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128) (local $v0 v128) (local $v1 v128)
    (local.set $ldb (i32.shl (local.get $N) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $idone (loop $iloop
      (br_if $idone (i32.ge_s (local.get $i) (local.get $M)))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $ldb)))
        (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
        (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
        (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
        (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
        (local.set $bp (i32.add (local.get $b) (local.get $j)))
        (local.set $ap (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $k (local.get $K))
        (block $kdone (loop $kloop
          (br_if $kdone (i32.eqz (local.get $k)))
          (local.set $b0 (v128.load (local.get $bp)))
          (local.set $b1 (v128.load offset=16 (local.get $bp)))
          (local.set $v0 (v128.load (local.get $ap)))
          (local.set $v1 (v128.load offset=16 (local.get $ap)))
          (local.set $x (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $v0) (local.get $v0)))
          (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v0) (local.get $v0)))
          (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $v1) (local.get $v1)))
          (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $x (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v1) (local.get $v1)))
          (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
          (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
          (local.set $bp (i32.add (local.get $bp) (local.get $ldb)))
          (local.set $ap (i32.add (local.get $ap) (local.get $lda)))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $kloop)))
        (local.set $cp (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (local.get $j)))
        (call $put (local.get $cp) (local.get $acc) (local.get $c00) (local.get $c01))
        (call $put (i32.add (local.get $cp) (local.get $ldc)) (local.get $acc) (local.get $c10) (local.get $c11))
        (call $put (i32.add (local.get $cp) (i32.shl (local.get $ldc) (i32.const 1))) (local.get $acc) (local.get $c20) (local.get $c21))
        (call $put (i32.add (local.get $cp) (i32.mul (local.get $ldc) (i32.const 3))) (local.get $acc) (local.get $c30) (local.get $c31))
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br $jloop)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $iloop))))

  ;; Four doubles at p: stored (acc = 0) or added to.
  (func $put (param $p i32) (param $acc i32) (param $v0 v128) (param $v1 v128)
    (if (local.get $acc) (then
      (local.set $v0 (f64x2.add (v128.load (local.get $p)) (local.get $v0)))
      (local.set $v1 (f64x2.add (v128.load offset=16 (local.get $p)) (local.get $v1)))))
    (v128.store (local.get $p) (local.get $v0))
    (v128.store offset=16 (local.get $p) (local.get $v1)))

)
