;; WebAssembly SIMD (f64x2) kernels of epynn-ts: the tanh of the recurrent layers' steps, the companion of kernels3.wat
;; (RNN, LSTM, GRU). Same rules as kernels.wat: each output is the same sequence of IEEE operations as its
;; TypeScript counterpart, so both backends give the same bits.
;;
;; expm1 and tanh are fdlibm's algorithms as V8 11.3 (Node 20) implements Math.expm1 and Math.tanh
;; (v8/src/base/ieee754.cc) and as src/fdlibm.ts computes the TypeScript path's: the same operations on the
;; same constants, so the same bits in every engine (tests/kernels/recurrent.test.ts compares them with
;; Node's Math.tanh on hundreds of thousands of arguments).
(module
  (import "env" "memory" (memory 1 65536 SHARED))

  ;; High 32 bits of x.
  (func $hi (param $x f64) (result i32)
    (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))))

  ;; The double with high word h and low word 0.
  (func $fromhi (param $h i32) (result f64)
    (f64.reinterpret_i64 (i64.shl (i64.extend_i32_u (local.get $h)) (i64.const 32))))

  ;; expm1(x), fdlibm (V8's ieee754::expm1). Called by $tanh with |x| < 44 only, but complete.
  (func $expm1 (param $x f64) (result f64)
    (local $hx i32) (local $xsb i32) (local $k i32) (local $hi f64) (local $lo f64) (local $c f64) (local $t f64)
    (local $e f64) (local $hfx f64) (local $hxs f64) (local $r1 f64) (local $y f64) (local $twopk f64)
    (local.set $hx (call $hi (local.get $x)))
    (local.set $xsb (i32.shr_u (local.get $hx) (i32.const 31)))
    (local.set $hx (i32.and (local.get $hx) (i32.const 0x7fffffff)))
    (if (i32.ge_u (local.get $hx) (i32.const 0x4043687A)) (then
      (if (i32.ge_u (local.get $hx) (i32.const 0x40862E42)) (then
        (if (i32.ge_u (local.get $hx) (i32.const 0x7ff00000)) (then
          (if (f64.ne (local.get $x) (local.get $x)) (then (return (f64.add (local.get $x) (local.get $x)))))
          (return (select (local.get $x) (f64.const -1) (i32.eqz (local.get $xsb))))))
        (if (f64.gt (local.get $x) (f64.const 7.09782712893383973096e+02)) (then (return (f64.const inf))))))
      (if (local.get $xsb) (then (return (f64.const -1))))))
    (if (i32.gt_u (local.get $hx) (i32.const 0x3FD62E42))
      (then
        (if (i32.lt_u (local.get $hx) (i32.const 0x3FF0A2B2))
          (then (local.set $k (i32.sub (i32.const 1) (i32.shl (local.get $xsb) (i32.const 1)))))
          (else
            (local.set $k (i32.trunc_f64_s (f64.add (f64.mul (f64.const 1.44269504088896338700e+00) (local.get $x))
              (select (f64.const -0.5) (f64.const 0.5) (local.get $xsb)))))))
        ;; hi = x − k·ln2_hi, lo = k·ln2_lo (exact for k = ±1: fdlibm's x ∓ ln2_hi, ±ln2_lo)
        (local.set $t (f64.convert_i32_s (local.get $k)))
        (local.set $hi (f64.sub (local.get $x) (f64.mul (local.get $t) (f64.const 6.93147180369123816490e-01))))
        (local.set $lo (f64.mul (local.get $t) (f64.const 1.90821492927058770002e-10)))
        (local.set $x (f64.sub (local.get $hi) (local.get $lo)))
        (local.set $c (f64.sub (f64.sub (local.get $hi) (local.get $x)) (local.get $lo))))
      (else
        (if (i32.lt_u (local.get $hx) (i32.const 0x3C900000)) (then (return (local.get $x))))))
    (local.set $hfx (f64.mul (f64.const 0.5) (local.get $x)))
    (local.set $hxs (f64.mul (local.get $x) (local.get $hfx)))
    (local.set $r1 (f64.add (f64.const 1) (f64.mul (local.get $hxs)
      (f64.add (f64.const -3.33333333333331316428e-02) (f64.mul (local.get $hxs)
      (f64.add (f64.const 1.58730158725481460165e-03) (f64.mul (local.get $hxs)
      (f64.add (f64.const -7.93650757867487942473e-05) (f64.mul (local.get $hxs)
      (f64.add (f64.const 4.00821782732936239552e-06) (f64.mul (local.get $hxs) (f64.const -2.01099218183624371326e-07))))))))))))
    (local.set $t (f64.sub (f64.const 3) (f64.mul (local.get $r1) (local.get $hfx))))
    (local.set $e (f64.mul (local.get $hxs) (f64.div (f64.sub (local.get $r1) (local.get $t))
      (f64.sub (f64.const 6) (f64.mul (local.get $x) (local.get $t))))))
    (if (i32.eqz (local.get $k)) (then
      (return (f64.sub (local.get $x) (f64.sub (f64.mul (local.get $x) (local.get $e)) (local.get $hxs))))))
    (local.set $twopk (call $fromhi (i32.add (i32.const 0x3FF00000) (i32.shl (local.get $k) (i32.const 20)))))
    (local.set $e (f64.sub (f64.sub (f64.mul (local.get $x) (f64.sub (local.get $e) (local.get $c))) (local.get $c)) (local.get $hxs)))
    (if (i32.eq (local.get $k) (i32.const -1)) (then
      (return (f64.sub (f64.mul (f64.const 0.5) (f64.sub (local.get $x) (local.get $e))) (f64.const 0.5)))))
    (if (i32.eq (local.get $k) (i32.const 1)) (then
      (if (f64.lt (local.get $x) (f64.const -0.25)) (then
        (return (f64.mul (f64.const -2) (f64.sub (local.get $e) (f64.add (local.get $x) (f64.const 0.5)))))))
      (return (f64.add (f64.const 1) (f64.mul (f64.const 2) (f64.sub (local.get $x) (local.get $e)))))))
    (if (i32.or (i32.le_s (local.get $k) (i32.const -2)) (i32.gt_s (local.get $k) (i32.const 56))) (then
      (local.set $y (f64.sub (f64.const 1) (f64.sub (local.get $e) (local.get $x))))
      (local.set $y (if (result f64) (i32.eq (local.get $k) (i32.const 1024))
        (then (f64.mul (f64.mul (local.get $y) (f64.const 2)) (f64.const 8.98846567431158e+307)))
        (else (f64.mul (local.get $y) (local.get $twopk)))))
      (return (f64.sub (local.get $y) (f64.const 1)))))
    (if (result f64) (i32.lt_s (local.get $k) (i32.const 20))
      (then
        ;; t = 1 − 2^−k
        (local.set $t (call $fromhi (i32.sub (i32.const 0x3FF00000) (i32.shr_s (i32.const 0x200000) (local.get $k)))))
        (f64.mul (f64.sub (local.get $t) (f64.sub (local.get $e) (local.get $x))) (local.get $twopk)))
      (else
        ;; t = 2^−k
        (local.set $t (call $fromhi (i32.shl (i32.sub (i32.const 0x3FF) (local.get $k)) (i32.const 20))))
        (f64.mul (f64.add (f64.sub (local.get $x) (f64.add (local.get $e) (local.get $t))) (f64.const 1)) (local.get $twopk)))))

  ;; tanh(x), fdlibm (V8's ieee754::tanh).
  (func $tanh (param $x f64) (result f64)
    (local $jx i32) (local $ix i32) (local $t f64) (local $z f64)
    (local.set $jx (call $hi (local.get $x)))
    (local.set $ix (i32.and (local.get $jx) (i32.const 0x7fffffff)))
    (if (i32.ge_u (local.get $ix) (i32.const 0x7ff00000)) (then
      (return (select
        (f64.add (f64.div (f64.const 1) (local.get $x)) (f64.const 1))
        (f64.sub (f64.div (f64.const 1) (local.get $x)) (f64.const 1))
        (i32.ge_s (local.get $jx) (i32.const 0))))))
    (if (i32.lt_u (local.get $ix) (i32.const 0x40360000))
      (then
        (if (i32.lt_u (local.get $ix) (i32.const 0x3E300000)) (then (return (local.get $x))))
        (if (i32.ge_u (local.get $ix) (i32.const 0x3FF00000))
          (then
            (local.set $t (call $expm1 (f64.mul (f64.const 2) (f64.abs (local.get $x)))))
            (local.set $z (f64.sub (f64.const 1) (f64.div (f64.const 2) (f64.add (local.get $t) (f64.const 2))))))
          (else
            (local.set $t (call $expm1 (f64.mul (f64.const -2) (f64.abs (local.get $x)))))
            (local.set $z (f64.div (f64.neg (local.get $t)) (f64.add (local.get $t) (f64.const 2)))))))
      (else (local.set $z (f64.const 1))))
    (select (local.get $z) (f64.neg (local.get $z)) (i32.ge_s (local.get $jx) (i32.const 0))))

  ;; tanh of two lanes: $tanh's results, bit for bit. fdlibm's tanh takes expm1(2|x|) for |x| ≥ 1 and
  ;; expm1(−2|x|) below, so expm1 only sees k = 0, −1, −2, −3 (arguments in (−2, 0)) or 3..63 (in [2, 44)):
  ;; each of its formulas for those k is computed and the lane's one selected (the k = ±1 band and the
  ;; k = 0 band as in $exp2). A pair with an infinite or NaN lane is computed by $tanh lane by lane.
  (func $tanh2 (param $x v128) (result v128)
    (local $ax v128) (local $big v128) (local $a v128) (local $t v128) (local $hi v128) (local $lo v128) (local $c v128)
    (local $hfx v128) (local $hxs v128) (local $r1 v128) (local $q v128) (local $e v128) (local $f0 v128)
    (local $k v128) (local $p v128) (local $mk v128) (local $r v128) (local $one v128)
    (local.set $ax (v128.and (local.get $x) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)))
    (if (v128.any_true (i64x2.ge_s (local.get $ax) (v128.const i64x2 0x7ff0000000000000 0x7ff0000000000000))) (then
      (return (f64x2.replace_lane 1 (f64x2.splat (call $tanh (f64x2.extract_lane 0 (local.get $x))))
        (call $tanh (f64x2.extract_lane 1 (local.get $x)))))))
    (local.set $one (f64x2.splat (f64.const 1)))
    ;; a = 2|x| for |x| ≥ 1, else −2|x|
    (local.set $big (i64x2.ge_s (local.get $ax) (v128.const i64x2 0x3FF0000000000000 0x3FF0000000000000)))
    (local.set $a (f64x2.mul (v128.bitselect (f64x2.splat (f64.const 2)) (f64x2.splat (f64.const -2)) (local.get $big)) (local.get $ax)))
    ;; expm1(a): k, hi, lo, reduced a, correction c
    (local.set $t (v128.and
      (f64x2.trunc (f64x2.add (f64x2.mul (f64x2.splat (f64.const 1.44269504088896338700e+00)) (local.get $a))
        (v128.or (f64x2.splat (f64.const 0.5)) (v128.and (local.get $a) (v128.const i64x2 0x8000000000000000 0x8000000000000000)))))
      (i64x2.gt_s (v128.and (local.get $a) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff))
        (v128.const i64x2 0x3FD62E42FFFFFFFF 0x3FD62E42FFFFFFFF))))
    (local.set $hi (f64x2.sub (local.get $a) (f64x2.mul (local.get $t) (f64x2.splat (f64.const 6.93147180369123816490e-01)))))
    (local.set $lo (f64x2.mul (local.get $t) (f64x2.splat (f64.const 1.90821492927058770002e-10))))
    (local.set $a (f64x2.sub (local.get $hi) (local.get $lo)))
    (local.set $c (f64x2.sub (f64x2.sub (local.get $hi) (local.get $a)) (local.get $lo)))
    (local.set $hfx (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $a)))
    (local.set $hxs (f64x2.mul (local.get $a) (local.get $hfx)))
    (local.set $r1 (f64x2.add (local.get $one) (f64x2.mul (local.get $hxs)
      (f64x2.add (f64x2.splat (f64.const -3.33333333333331316428e-02)) (f64x2.mul (local.get $hxs)
      (f64x2.add (f64x2.splat (f64.const 1.58730158725481460165e-03)) (f64x2.mul (local.get $hxs)
      (f64x2.add (f64x2.splat (f64.const -7.93650757867487942473e-05)) (f64x2.mul (local.get $hxs)
      (f64x2.add (f64x2.splat (f64.const 4.00821782732936239552e-06)) (f64x2.mul (local.get $hxs) (f64x2.splat (f64.const -2.01099218183624371326e-07)))))))))))))
    (local.set $q (f64x2.sub (f64x2.splat (f64.const 3)) (f64x2.mul (local.get $r1) (local.get $hfx))))
    (local.set $e (f64x2.mul (local.get $hxs) (f64x2.div (f64x2.sub (local.get $r1) (local.get $q))
      (f64x2.sub (f64x2.splat (f64.const 6)) (f64x2.mul (local.get $a) (local.get $q))))))
    ;; k = 0: a − (a·e − hxs)
    (local.set $f0 (f64x2.sub (local.get $a) (f64x2.sub (f64x2.mul (local.get $a) (local.get $e)) (local.get $hxs))))
    (local.set $e (f64x2.sub (f64x2.sub (f64x2.mul (local.get $a) (f64x2.sub (local.get $e) (local.get $c))) (local.get $c)) (local.get $hxs)))
    ;; k's bits: t + 1.5·2^52 holds the integer k in its low bits
    (local.set $k (f64x2.add (local.get $t) (f64x2.splat (f64.const 6755399441055744))))
    (local.set $p (i64x2.shl (i64x2.add (local.get $k) (v128.const i64x2 1023 1023)) (i32.const 52))) ;; 2^k
    (local.set $mk (i64x2.shl (i64x2.sub (v128.const i64x2 1023 1023) (local.get $k)) (i32.const 52))) ;; 2^-k
    ;; 20 ≤ k ≤ 56: ((a − (e + 2^−k)) + 1)·2^k;  k < 20: ((1 − 2^−k) − (e − a))·2^k
    (local.set $r (v128.bitselect
      (f64x2.mul (f64x2.sub (f64x2.sub (local.get $one) (local.get $mk)) (f64x2.sub (local.get $e) (local.get $a))) (local.get $p))
      (f64x2.mul (f64x2.add (f64x2.sub (local.get $a) (f64x2.add (local.get $e) (local.get $mk))) (local.get $one)) (local.get $p))
      (f64x2.lt (local.get $t) (f64x2.splat (f64.const 20)))))
    ;; k ≤ −2 or k > 56: (1 − (e − a))·2^k − 1
    (local.set $r (v128.bitselect
      (f64x2.sub (f64x2.mul (f64x2.sub (local.get $one) (f64x2.sub (local.get $e) (local.get $a))) (local.get $p)) (local.get $one))
      (local.get $r)
      (v128.or (f64x2.lt (local.get $t) (f64x2.splat (f64.const -1))) (f64x2.gt (local.get $t) (f64x2.splat (f64.const 56))))))
    ;; k = −1: 0.5·(a − e) − 0.5
    (local.set $r (v128.bitselect
      (f64x2.sub (f64x2.mul (f64x2.splat (f64.const 0.5)) (f64x2.sub (local.get $a) (local.get $e))) (f64x2.splat (f64.const 0.5)))
      (local.get $r) (f64x2.eq (local.get $t) (f64x2.splat (f64.const -1)))))
    (local.set $r (v128.bitselect (local.get $f0) (local.get $r) (f64x2.eq (local.get $t) (f64x2.splat (f64.const 0)))))
    ;; tanh: 1 − 2/(t + 2) for |x| ≥ 1, −t/(t + 2) below, 1 from 22 on; the sign of x; x itself below 2^-28
    ;; (one division: the numerator 2 or −t chosen first)
    (local.set $a (f64x2.div (v128.bitselect (f64x2.splat (f64.const 2)) (f64x2.neg (local.get $r)) (local.get $big))
      (f64x2.add (local.get $r) (f64x2.splat (f64.const 2)))))
    (local.set $r (v128.bitselect (f64x2.sub (local.get $one) (local.get $a)) (local.get $a) (local.get $big)))
    (local.set $r (v128.bitselect (local.get $r) (local.get $one)
      (i64x2.lt_s (local.get $ax) (v128.const i64x2 0x4036000000000000 0x4036000000000000))))
    (local.set $r (v128.bitselect (f64x2.neg (local.get $r)) (local.get $r) (i64x2.lt_s (local.get $x) (v128.const i64x2 0 0))))
    (v128.bitselect (local.get $x) (local.get $r)
      (i64x2.lt_s (local.get $ax) (v128.const i64x2 0x3E30000000000000 0x3E30000000000000))))

  ;; tanh of four lanes, read at p and written at q: $tanh2's operations on two pairs side by side (two
  ;; independent chains in one block run ~25% faster than one after the other). A group with an infinite
  ;; or NaN lane is computed pair by pair by $tanh2.
  (func $tanh4 (param $p i32) (param $q i32)
    (local $x_a v128) (local $x_b v128) (local $a_a v128) (local $a_b v128) (local $ax_a v128) (local $ax_b v128) (local $big_a v128) (local $big_b v128) (local $c_a v128) (local $c_b v128) (local $e_a v128) (local $e_b v128) (local $f0_a v128) (local $f0_b v128) (local $hfx_a v128) (local $hfx_b v128) (local $hi_a v128) (local $hi_b v128) (local $hxs_a v128) (local $hxs_b v128) (local $k_a v128) (local $k_b v128) (local $lo_a v128) (local $lo_b v128) (local $mk_a v128) (local $mk_b v128) (local $one_a v128) (local $one_b v128) (local $p_a v128) (local $p_b v128) (local $q_a v128) (local $q_b v128) (local $r1_a v128) (local $r1_b v128) (local $r_a v128) (local $r_b v128) (local $t_a v128) (local $t_b v128)
    (local $k0 v128) (local $k1 v128) (local $k2 v128) (local $k3 v128) (local $k4 v128) (local $k5 v128) (local $k6 v128) (local $k7 v128) (local $k8 v128) (local $k9 v128) (local $k10 v128) (local $k11 v128) (local $k12 v128) (local $k13 v128) (local $k14 v128) (local $k15 v128) (local $k16 v128) (local $k17 v128) (local $k18 v128) (local $k19 v128) (local $k20 v128) (local $k21 v128) (local $k22 v128) (local $k23 v128) (local $k24 v128) (local $k25 v128) (local $k26 v128) (local $k27 v128)
    (local.set $k0 (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff))
    (local.set $k1 (v128.const i64x2 0x7ff0000000000000 0x7ff0000000000000))
    (local.set $k2 (f64x2.splat (f64.const 1)))
    (local.set $k3 (v128.const i64x2 0x3FF0000000000000 0x3FF0000000000000))
    (local.set $k4 (f64x2.splat (f64.const 2)))
    (local.set $k5 (f64x2.splat (f64.const -2)))
    (local.set $k6 (f64x2.splat (f64.const 1.44269504088896338700e+00)))
    (local.set $k7 (f64x2.splat (f64.const 0.5)))
    (local.set $k8 (v128.const i64x2 0x8000000000000000 0x8000000000000000))
    (local.set $k9 (v128.const i64x2 0x3FD62E42FFFFFFFF 0x3FD62E42FFFFFFFF))
    (local.set $k10 (f64x2.splat (f64.const 6.93147180369123816490e-01)))
    (local.set $k11 (f64x2.splat (f64.const 1.90821492927058770002e-10)))
    (local.set $k12 (f64x2.splat (f64.const -3.33333333333331316428e-02)))
    (local.set $k13 (f64x2.splat (f64.const 1.58730158725481460165e-03)))
    (local.set $k14 (f64x2.splat (f64.const -7.93650757867487942473e-05)))
    (local.set $k15 (f64x2.splat (f64.const 4.00821782732936239552e-06)))
    (local.set $k16 (f64x2.splat (f64.const -2.01099218183624371326e-07)))
    (local.set $k17 (f64x2.splat (f64.const 3)))
    (local.set $k18 (f64x2.splat (f64.const 6)))
    (local.set $k19 (f64x2.splat (f64.const 6755399441055744)))
    (local.set $k20 (v128.const i64x2 1023 1023))
    (local.set $k21 (f64x2.splat (f64.const 20)))
    (local.set $k22 (f64x2.splat (f64.const -1)))
    (local.set $k23 (f64x2.splat (f64.const 56)))
    (local.set $k24 (f64x2.splat (f64.const 0)))
    (local.set $k25 (v128.const i64x2 0x4036000000000000 0x4036000000000000))
    (local.set $k26 (v128.const i64x2 0 0))
    (local.set $k27 (v128.const i64x2 0x3E30000000000000 0x3E30000000000000))
    (local.set $x_a (v128.load (local.get $p)))
    (local.set $x_b (v128.load offset=16 (local.get $p)))
    (local.set $ax_a (v128.and (local.get $x_a) (local.get $k0)))
    (local.set $ax_b (v128.and (local.get $x_b) (local.get $k0)))
    (if (v128.any_true (v128.or (i64x2.ge_s (local.get $ax_a) (local.get $k1))
        (i64x2.ge_s (local.get $ax_b) (local.get $k1)))) (then
      (v128.store (local.get $q) (call $tanh2 (local.get $x_a)))
      (v128.store offset=16 (local.get $q) (call $tanh2 (local.get $x_b)))
      (return)))
    (local.set $one_a (local.get $k2))
    (local.set $one_b (local.get $k2))
    (local.set $big_a (i64x2.ge_s (local.get $ax_a) (local.get $k3)))
    (local.set $big_b (i64x2.ge_s (local.get $ax_b) (local.get $k3)))
    (local.set $a_a (f64x2.mul (v128.bitselect (local.get $k4) (local.get $k5) (local.get $big_a)) (local.get $ax_a)))
    (local.set $a_b (f64x2.mul (v128.bitselect (local.get $k4) (local.get $k5) (local.get $big_b)) (local.get $ax_b)))
    (local.set $t_a (v128.and
      (f64x2.trunc (f64x2.add (f64x2.mul (local.get $k6) (local.get $a_a))
        (v128.or (local.get $k7) (v128.and (local.get $a_a) (local.get $k8)))))
      (i64x2.gt_s (v128.and (local.get $a_a) (local.get $k0))
        (local.get $k9))))
    (local.set $t_b (v128.and
      (f64x2.trunc (f64x2.add (f64x2.mul (local.get $k6) (local.get $a_b))
        (v128.or (local.get $k7) (v128.and (local.get $a_b) (local.get $k8)))))
      (i64x2.gt_s (v128.and (local.get $a_b) (local.get $k0))
        (local.get $k9))))
    (local.set $hi_a (f64x2.sub (local.get $a_a) (f64x2.mul (local.get $t_a) (local.get $k10))))
    (local.set $hi_b (f64x2.sub (local.get $a_b) (f64x2.mul (local.get $t_b) (local.get $k10))))
    (local.set $lo_a (f64x2.mul (local.get $t_a) (local.get $k11)))
    (local.set $lo_b (f64x2.mul (local.get $t_b) (local.get $k11)))
    (local.set $a_a (f64x2.sub (local.get $hi_a) (local.get $lo_a)))
    (local.set $a_b (f64x2.sub (local.get $hi_b) (local.get $lo_b)))
    (local.set $c_a (f64x2.sub (f64x2.sub (local.get $hi_a) (local.get $a_a)) (local.get $lo_a)))
    (local.set $c_b (f64x2.sub (f64x2.sub (local.get $hi_b) (local.get $a_b)) (local.get $lo_b)))
    (local.set $hfx_a (f64x2.mul (local.get $k7) (local.get $a_a)))
    (local.set $hfx_b (f64x2.mul (local.get $k7) (local.get $a_b)))
    (local.set $hxs_a (f64x2.mul (local.get $a_a) (local.get $hfx_a)))
    (local.set $hxs_b (f64x2.mul (local.get $a_b) (local.get $hfx_b)))
    (local.set $r1_a (f64x2.add (local.get $one_a) (f64x2.mul (local.get $hxs_a)
      (f64x2.add (local.get $k12) (f64x2.mul (local.get $hxs_a)
      (f64x2.add (local.get $k13) (f64x2.mul (local.get $hxs_a)
      (f64x2.add (local.get $k14) (f64x2.mul (local.get $hxs_a)
      (f64x2.add (local.get $k15) (f64x2.mul (local.get $hxs_a) (local.get $k16))))))))))))
    (local.set $r1_b (f64x2.add (local.get $one_b) (f64x2.mul (local.get $hxs_b)
      (f64x2.add (local.get $k12) (f64x2.mul (local.get $hxs_b)
      (f64x2.add (local.get $k13) (f64x2.mul (local.get $hxs_b)
      (f64x2.add (local.get $k14) (f64x2.mul (local.get $hxs_b)
      (f64x2.add (local.get $k15) (f64x2.mul (local.get $hxs_b) (local.get $k16))))))))))))
    (local.set $q_a (f64x2.sub (local.get $k17) (f64x2.mul (local.get $r1_a) (local.get $hfx_a))))
    (local.set $q_b (f64x2.sub (local.get $k17) (f64x2.mul (local.get $r1_b) (local.get $hfx_b))))
    (local.set $e_a (f64x2.mul (local.get $hxs_a) (f64x2.div (f64x2.sub (local.get $r1_a) (local.get $q_a))
      (f64x2.sub (local.get $k18) (f64x2.mul (local.get $a_a) (local.get $q_a))))))
    (local.set $e_b (f64x2.mul (local.get $hxs_b) (f64x2.div (f64x2.sub (local.get $r1_b) (local.get $q_b))
      (f64x2.sub (local.get $k18) (f64x2.mul (local.get $a_b) (local.get $q_b))))))
    (local.set $f0_a (f64x2.sub (local.get $a_a) (f64x2.sub (f64x2.mul (local.get $a_a) (local.get $e_a)) (local.get $hxs_a))))
    (local.set $f0_b (f64x2.sub (local.get $a_b) (f64x2.sub (f64x2.mul (local.get $a_b) (local.get $e_b)) (local.get $hxs_b))))
    (local.set $e_a (f64x2.sub (f64x2.sub (f64x2.mul (local.get $a_a) (f64x2.sub (local.get $e_a) (local.get $c_a))) (local.get $c_a)) (local.get $hxs_a)))
    (local.set $e_b (f64x2.sub (f64x2.sub (f64x2.mul (local.get $a_b) (f64x2.sub (local.get $e_b) (local.get $c_b))) (local.get $c_b)) (local.get $hxs_b)))
    (local.set $k_a (f64x2.add (local.get $t_a) (local.get $k19)))
    (local.set $k_b (f64x2.add (local.get $t_b) (local.get $k19)))
    (local.set $p_a (i64x2.shl (i64x2.add (local.get $k_a) (local.get $k20)) (i32.const 52)))
    (local.set $p_b (i64x2.shl (i64x2.add (local.get $k_b) (local.get $k20)) (i32.const 52)))
    (local.set $mk_a (i64x2.shl (i64x2.sub (local.get $k20) (local.get $k_a)) (i32.const 52)))
    (local.set $mk_b (i64x2.shl (i64x2.sub (local.get $k20) (local.get $k_b)) (i32.const 52)))
    (local.set $r_a (v128.bitselect
      (f64x2.mul (f64x2.sub (f64x2.sub (local.get $one_a) (local.get $mk_a)) (f64x2.sub (local.get $e_a) (local.get $a_a))) (local.get $p_a))
      (f64x2.mul (f64x2.add (f64x2.sub (local.get $a_a) (f64x2.add (local.get $e_a) (local.get $mk_a))) (local.get $one_a)) (local.get $p_a))
      (f64x2.lt (local.get $t_a) (local.get $k21))))
    (local.set $r_b (v128.bitselect
      (f64x2.mul (f64x2.sub (f64x2.sub (local.get $one_b) (local.get $mk_b)) (f64x2.sub (local.get $e_b) (local.get $a_b))) (local.get $p_b))
      (f64x2.mul (f64x2.add (f64x2.sub (local.get $a_b) (f64x2.add (local.get $e_b) (local.get $mk_b))) (local.get $one_b)) (local.get $p_b))
      (f64x2.lt (local.get $t_b) (local.get $k21))))
    (local.set $r_a (v128.bitselect
      (f64x2.sub (f64x2.mul (f64x2.sub (local.get $one_a) (f64x2.sub (local.get $e_a) (local.get $a_a))) (local.get $p_a)) (local.get $one_a))
      (local.get $r_a)
      (v128.or (f64x2.lt (local.get $t_a) (local.get $k22)) (f64x2.gt (local.get $t_a) (local.get $k23)))))
    (local.set $r_b (v128.bitselect
      (f64x2.sub (f64x2.mul (f64x2.sub (local.get $one_b) (f64x2.sub (local.get $e_b) (local.get $a_b))) (local.get $p_b)) (local.get $one_b))
      (local.get $r_b)
      (v128.or (f64x2.lt (local.get $t_b) (local.get $k22)) (f64x2.gt (local.get $t_b) (local.get $k23)))))
    (local.set $r_a (v128.bitselect
      (f64x2.sub (f64x2.mul (local.get $k7) (f64x2.sub (local.get $a_a) (local.get $e_a))) (local.get $k7))
      (local.get $r_a) (f64x2.eq (local.get $t_a) (local.get $k22))))
    (local.set $r_b (v128.bitselect
      (f64x2.sub (f64x2.mul (local.get $k7) (f64x2.sub (local.get $a_b) (local.get $e_b))) (local.get $k7))
      (local.get $r_b) (f64x2.eq (local.get $t_b) (local.get $k22))))
    (local.set $r_a (v128.bitselect (local.get $f0_a) (local.get $r_a) (f64x2.eq (local.get $t_a) (local.get $k24))))
    (local.set $r_b (v128.bitselect (local.get $f0_b) (local.get $r_b) (f64x2.eq (local.get $t_b) (local.get $k24))))
    (local.set $a_a (f64x2.div (v128.bitselect (local.get $k4) (f64x2.neg (local.get $r_a)) (local.get $big_a))
      (f64x2.add (local.get $r_a) (local.get $k4))))
    (local.set $a_b (f64x2.div (v128.bitselect (local.get $k4) (f64x2.neg (local.get $r_b)) (local.get $big_b))
      (f64x2.add (local.get $r_b) (local.get $k4))))
    (local.set $r_a (v128.bitselect (f64x2.sub (local.get $one_a) (local.get $a_a)) (local.get $a_a) (local.get $big_a)))
    (local.set $r_b (v128.bitselect (f64x2.sub (local.get $one_b) (local.get $a_b)) (local.get $a_b) (local.get $big_b)))
    (local.set $r_a (v128.bitselect (local.get $r_a) (local.get $one_a)
      (i64x2.lt_s (local.get $ax_a) (local.get $k25))))
    (local.set $r_b (v128.bitselect (local.get $r_b) (local.get $one_b)
      (i64x2.lt_s (local.get $ax_b) (local.get $k25))))
    (local.set $r_a (v128.bitselect (f64x2.neg (local.get $r_a)) (local.get $r_a) (i64x2.lt_s (local.get $x_a) (local.get $k26))))
    (local.set $r_b (v128.bitselect (f64x2.neg (local.get $r_b)) (local.get $r_b) (i64x2.lt_s (local.get $x_b) (local.get $k26))))
    (v128.store (local.get $q) (v128.bitselect (local.get $x_a) (local.get $r_a)
      (i64x2.lt_s (local.get $ax_a) (local.get $k27))))
    (v128.store offset=16 (local.get $q) (v128.bitselect (local.get $x_b) (local.get $r_b)
      (i64x2.lt_s (local.get $ax_b) (local.get $k27)))))

  ;; One step's bias and tanh over m rows of u doubles, rows `ld` bytes apart: Z[i, j] += b[j] (b ≠ 0),
  ;; then A[i, j] = tanh(Z[i, j]) (Math.tanh's bits): four lanes at a time, then a pair, then one.
  (func (export "rec_act_tanh") (param $z i32) (param $b i32) (param $a i32) (param $m i32) (param $u i32) (param $ld i32)
    (local $i i32) (local $row i32) (local $o i32) (local $end i32)
    (local.set $u (i32.shl (local.get $u) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $idone (loop $iloop
      (br_if $idone (i32.ge_s (local.get $i) (local.get $m)))
      (local.set $row (i32.mul (local.get $i) (local.get $ld)))
      (local.set $end (i32.add (local.get $row) (local.get $u)))
      (if (local.get $b) (then
        (local.set $o (local.get $row))
        (block $bdone (loop $bloop
          (br_if $bdone (i32.ge_s (local.get $o) (local.get $end)))
          (f64.store (i32.add (local.get $z) (local.get $o)) (f64.add (f64.load (i32.add (local.get $z) (local.get $o)))
            (f64.load (i32.add (local.get $b) (i32.sub (local.get $o) (local.get $row))))))
          (local.set $o (i32.add (local.get $o) (i32.const 8)))
          (br $bloop)))))
      (local.set $o (local.get $row))
      (block $qdone (loop $qloop
        (br_if $qdone (i32.gt_s (i32.add (local.get $o) (i32.const 32)) (local.get $end)))
        (call $tanh4 (i32.add (local.get $z) (local.get $o)) (i32.add (local.get $a) (local.get $o)))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $qloop)))
      (if (i32.le_s (i32.add (local.get $o) (i32.const 16)) (local.get $end)) (then
        (v128.store (i32.add (local.get $a) (local.get $o)) (call $tanh2 (v128.load (i32.add (local.get $z) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))))
      (if (i32.lt_s (local.get $o) (local.get $end)) (then
        (f64.store (i32.add (local.get $a) (local.get $o)) (call $tanh (f64.load (i32.add (local.get $z) (local.get $o)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $iloop))))

  (func (export "rec_tanh") (param $x f64) (result f64) (call $tanh (local.get $x)))
  (func (export "rec_tanh2") (param $x f64) (param $y f64) (param $p i32)
    (v128.store (local.get $p) (call $tanh2 (f64x2.replace_lane 1 (f64x2.splat (local.get $x)) (local.get $y)))))
)
