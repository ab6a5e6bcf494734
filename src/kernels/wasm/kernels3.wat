;; WebAssembly kernels of epynn-ts, third module: the sigmoid of the recurrent layers' steps (RNN, LSTM, GRU);
;; their tanh is in kernels3b.wat.
;; Same rules as kernels.wat: each output is the same sequence of IEEE operations as its TypeScript
;; counterpart (no fused multiply-add, no reassociation), so both backends give the same bits.
;;
;; exp is fdlibm's algorithm as V8 11.3 (Node 20) implements Math.exp (v8/src/base/ieee754.cc) and as
;; src/fdlibm.ts computes the TypeScript path's exp: the same operations on the same constants, so the same
;; bits in every engine (tests/kernels/recurrent.test.ts compares them with Node's Math.exp on hundreds of
;; thousands of arguments).
(module
  (import "env" "memory" (memory 1 65536 SHARED))

  ;; High 32 bits of x.
  (func $hi (param $x f64) (result i32)
    (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))))

  ;; The double with high word h and low word 0.
  (func $fromhi (param $h i32) (result f64)
    (f64.reinterpret_i64 (i64.shl (i64.extend_i32_u (local.get $h)) (i64.const 32))))

  ;; exp(x), fdlibm (V8's ieee754::exp).
  (func $exp (param $x f64) (result f64)
    (local $hx i32) (local $xsb i32) (local $k i32) (local $hi f64) (local $lo f64) (local $t f64) (local $c f64) (local $y f64)
    (local.set $hx (call $hi (local.get $x)))
    (local.set $xsb (i32.shr_u (local.get $hx) (i32.const 31)))
    (local.set $hx (i32.and (local.get $hx) (i32.const 0x7fffffff)))
    (if (i32.ge_u (local.get $hx) (i32.const 0x40862E42)) (then
      (if (i32.ge_u (local.get $hx) (i32.const 0x7ff00000)) (then
        (if (f64.ne (local.get $x) (local.get $x)) (then (return (f64.add (local.get $x) (local.get $x)))))
        (return (select (local.get $x) (f64.const 0) (i32.eqz (local.get $xsb))))))
      (if (f64.gt (local.get $x) (f64.const 7.09782712893383973096e+02)) (then (return (f64.const inf))))
      (if (f64.lt (local.get $x) (f64.const -7.45133219101941108420e+02)) (then (return (f64.const 0))))))
    (if (i32.gt_u (local.get $hx) (i32.const 0x3FD62E42))
      (then
        ;; |x| > 0.5 ln2: k = ±1 below 1.5 ln2 (t·ln2HI and t·ln2LO are then ±ln2HI, ±ln2LO exactly)
        (if (i32.lt_u (local.get $hx) (i32.const 0x3FF0A2B2))
          (then
            (if (f64.eq (local.get $x) (f64.const 1)) (then (return (f64.const 2.718281828459045))))
            (local.set $k (i32.sub (i32.const 1) (i32.shl (local.get $xsb) (i32.const 1)))))
          (else
            (local.set $k (i32.trunc_f64_s (f64.add (f64.mul (f64.const 1.44269504088896338700e+00) (local.get $x))
              (select (f64.const -0.5) (f64.const 0.5) (local.get $xsb)))))))
        (local.set $t (f64.convert_i32_s (local.get $k)))
        (local.set $hi (f64.sub (local.get $x) (f64.mul (local.get $t) (f64.const 6.93147180369123816490e-01))))
        (local.set $lo (f64.mul (local.get $t) (f64.const 1.90821492927058770002e-10)))
        (local.set $x (f64.sub (local.get $hi) (local.get $lo))))
      (else
        (if (i32.lt_u (local.get $hx) (i32.const 0x3E300000)) (then (return (f64.add (f64.const 1) (local.get $x)))))))
    (local.set $t (f64.mul (local.get $x) (local.get $x)))
    (local.set $c (f64.sub (local.get $x) (f64.mul (local.get $t)
      (f64.add (f64.const 1.66666666666666019037e-01) (f64.mul (local.get $t)
      (f64.add (f64.const -2.77777777770155933842e-03) (f64.mul (local.get $t)
      (f64.add (f64.const 6.61375632143793436117e-05) (f64.mul (local.get $t)
      (f64.add (f64.const -1.65339022054652515390e-06) (f64.mul (local.get $t) (f64.const 4.13813679705723846039e-08))))))))))))
    (if (i32.eqz (local.get $k)) (then
      (return (f64.sub (f64.const 1) (f64.sub (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (local.get $c) (f64.const 2))) (local.get $x))))))
    (local.set $y (f64.sub (f64.const 1) (f64.sub (f64.sub (local.get $lo)
      (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (f64.const 2) (local.get $c)))) (local.get $hi))))
    (if (i32.ge_s (local.get $k) (i32.const -1021)) (then
      (if (i32.eq (local.get $k) (i32.const 1024)) (then
        (return (f64.mul (f64.mul (local.get $y) (f64.const 2)) (f64.const 8.988465674311579539e307)))))
      (return (f64.mul (local.get $y) (call $fromhi (i32.add (i32.const 0x3FF00000) (i32.shl (local.get $k) (i32.const 20))))))))
    (f64.mul (f64.mul (local.get $y) (call $fromhi (i32.add (i32.const 0x3FF00000) (i32.shl (i32.add (local.get $k) (i32.const 1000)) (i32.const 20)))))
      (f64.const 9.33263618503218878990e-302)))

  ;; exp of two lanes: $exp's results, bit for bit. Lanes with |x| < 707 take fdlibm's steps branch-free
  ;; (k = 0 for |x| ≤ 0.5 ln2, where fdlibm's k = 0 formula equals the general one with hi = x, lo = 0;
  ;; k = ±1 up to 1.5 ln2, which the general rounding also gives there); a pair with a lane outside
  ;; (large, infinite, NaN) is computed by $exp lane by lane.
  (func $exp2 (param $x v128) (result v128)
    (local $ax v128) (local $t v128) (local $hi v128) (local $lo v128) (local $r v128) (local $tt v128) (local $c v128) (local $y v128)
    (local.set $ax (v128.and (local.get $x) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)))
    (if (v128.any_true (i64x2.ge_s (local.get $ax) (v128.const i64x2 0x4086180000000000 0x4086180000000000))) (then
      (return (f64x2.replace_lane 1 (f64x2.splat (call $exp (f64x2.extract_lane 0 (local.get $x))))
        (call $exp (f64x2.extract_lane 1 (local.get $x)))))))
    ;; k = trunc(x/ln2 ± 1/2) where |x| > 0.5 ln2 (high word above 0x3FD62E42), else 0
    (local.set $t (v128.and
      (f64x2.trunc (f64x2.add (f64x2.mul (f64x2.splat (f64.const 1.44269504088896338700e+00)) (local.get $x))
        (v128.or (f64x2.splat (f64.const 0.5)) (v128.and (local.get $x) (v128.const i64x2 0x8000000000000000 0x8000000000000000)))))
      (i64x2.gt_s (local.get $ax) (v128.const i64x2 0x3FD62E42FFFFFFFF 0x3FD62E42FFFFFFFF))))
    (local.set $hi (f64x2.sub (local.get $x) (f64x2.mul (local.get $t) (f64x2.splat (f64.const 6.93147180369123816490e-01)))))
    (local.set $lo (f64x2.mul (local.get $t) (f64x2.splat (f64.const 1.90821492927058770002e-10))))
    (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
    (local.set $tt (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $c (f64x2.sub (local.get $r) (f64x2.mul (local.get $tt)
      (f64x2.add (f64x2.splat (f64.const 1.66666666666666019037e-01)) (f64x2.mul (local.get $tt)
      (f64x2.add (f64x2.splat (f64.const -2.77777777770155933842e-03)) (f64x2.mul (local.get $tt)
      (f64x2.add (f64x2.splat (f64.const 6.61375632143793436117e-05)) (f64x2.mul (local.get $tt)
      (f64x2.add (f64x2.splat (f64.const -1.65339022054652515390e-06)) (f64x2.mul (local.get $tt) (f64x2.splat (f64.const 4.13813679705723846039e-08)))))))))))))
    (local.set $y (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.sub (f64x2.sub (local.get $lo)
      (f64x2.div (f64x2.mul (local.get $r) (local.get $c)) (f64x2.sub (f64x2.splat (f64.const 2)) (local.get $c)))) (local.get $hi))))
    ;; y · 2^k
    ;; (k's bits: t + 1.5·2^52 holds the integer k in its low bits)
    (local.set $y (f64x2.mul (local.get $y) (i64x2.shl (i64x2.add (f64x2.add (local.get $t) (f64x2.splat (f64.const 6755399441055744)))
      (v128.const i64x2 1023 1023)) (i32.const 52))))
    ;; |x| < 2^-28: 1 + x;  x = 1: e (fdlibm's special case)
    (local.set $y (v128.bitselect (f64x2.add (f64x2.splat (f64.const 1)) (local.get $x))
      (local.get $y) (i64x2.lt_s (local.get $ax) (v128.const i64x2 0x3E30000000000000 0x3E30000000000000))))
    (v128.bitselect (f64x2.splat (f64.const 2.718281828459045)) (local.get $y)
      (f64x2.eq (local.get $x) (f64x2.splat (f64.const 1)))))

  ;; One step's bias and sigmoid over m rows of u doubles, rows `ld` bytes apart:
  ;;   Z[i, j] += b[j] (b ≠ 0), then A[i, j] = σ(Z[i, j]),
  ;; σ(v) = 1 / (1 + exp(−v)) for v ≥ 0, else exp(v) / (1 + exp(v)) (src/activation/functions.ts).
  ;; Two lanes at a time for u even ($sig_rows), else one by one.
  (func (export "rec_act_sigmoid") (param $z i32) (param $b i32) (param $a i32) (param $m i32) (param $u i32) (param $ld i32)
    (local $i i32) (local $j i32) (local $zp i32) (local $ap i32) (local $v f64) (local $w f64)
    (if (i32.eqz (i32.and (local.get $u) (i32.const 1))) (then
      (call $sig_rows (local.get $z) (local.get $b) (local.get $a) (local.get $m) (local.get $u) (local.get $ld))
      (return)))
    (local.set $i (i32.const 0))
    (block $idone (loop $iloop
      (br_if $idone (i32.ge_s (local.get $i) (local.get $m)))
      (local.set $zp (i32.add (local.get $z) (i32.mul (local.get $i) (local.get $ld))))
      (local.set $ap (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ld))))
      (local.set $j (i32.const 0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $u)))
        (local.set $v (f64.load (local.get $zp)))
        (if (local.get $b) (then
          (local.set $v (f64.add (local.get $v) (f64.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))))
          (f64.store (local.get $zp) (local.get $v))))
        (if (f64.ge (local.get $v) (f64.const 0))
          (then (local.set $w (f64.div (f64.const 1) (f64.add (f64.const 1) (call $exp (f64.neg (local.get $v)))))))
          (else
            (local.set $w (call $exp (local.get $v)))
            (local.set $w (f64.div (local.get $w) (f64.add (f64.const 1) (local.get $w))))))
        (f64.store (local.get $ap) (local.get $w))
        (local.set $zp (i32.add (local.get $zp) (i32.const 8)))
        (local.set $ap (i32.add (local.get $ap) (i32.const 8)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $iloop))))

  ;; The sigmoid of four lanes, read at p and written at q (as $sig_rows computes it): $exp2's operations
  ;; on two pairs side by side (two independent chains in one block run faster than one after the other).
  ;; A group with a lane outside $exp2's fast range goes through $exp2 pair by pair.
  (func $sig4 (param $p i32) (param $q i32)
    (local $ax_a v128) (local $ax_b v128) (local $c_a v128) (local $c_b v128) (local $e_a v128) (local $e_b v128) (local $hi_a v128) (local $hi_b v128) (local $lo_a v128) (local $lo_b v128) (local $r_a v128) (local $r_b v128) (local $t_a v128) (local $t_b v128) (local $tt_a v128) (local $tt_b v128) (local $v_a v128) (local $v_b v128) (local $x_a v128) (local $x_b v128) (local $y_a v128) (local $y_b v128)
    (local $k0 v128) (local $k1 v128) (local $k2 v128) (local $k3 v128) (local $k4 v128) (local $k5 v128) (local $k6 v128) (local $k7 v128) (local $k8 v128) (local $k9 v128) (local $k10 v128) (local $k11 v128) (local $k12 v128) (local $k13 v128) (local $k14 v128) (local $k15 v128) (local $k16 v128)
    (local.set $v_a (v128.load (local.get $p)))
    (local.set $v_b (v128.load offset=16 (local.get $p)))
    (local.set $x_a (v128.or (local.get $v_a) (v128.const i64x2 0x8000000000000000 0x8000000000000000)))
    (local.set $x_b (v128.or (local.get $v_b) (v128.const i64x2 0x8000000000000000 0x8000000000000000)))
    (local.set $ax_a (v128.and (local.get $x_a) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)))
    (local.set $ax_b (v128.and (local.get $x_b) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)))
    (if (v128.any_true (v128.or (i64x2.ge_s (local.get $ax_a) (v128.const i64x2 0x4086180000000000 0x4086180000000000))
        (i64x2.ge_s (local.get $ax_b) (v128.const i64x2 0x4086180000000000 0x4086180000000000))))
      (then
        (local.set $e_a (call $exp2 (local.get $x_a)))
        (local.set $e_b (call $exp2 (local.get $x_b))))
      (else
      (local.set $k0 (f64x2.splat (f64.const 1.44269504088896338700e+00)))
      (local.set $k1 (f64x2.splat (f64.const 0.5)))
      (local.set $k2 (v128.const i64x2 0x8000000000000000 0x8000000000000000))
      (local.set $k3 (v128.const i64x2 0x3FD62E42FFFFFFFF 0x3FD62E42FFFFFFFF))
      (local.set $k4 (f64x2.splat (f64.const 6.93147180369123816490e-01)))
      (local.set $k5 (f64x2.splat (f64.const 1.90821492927058770002e-10)))
      (local.set $k6 (f64x2.splat (f64.const 1.66666666666666019037e-01)))
      (local.set $k7 (f64x2.splat (f64.const -2.77777777770155933842e-03)))
      (local.set $k8 (f64x2.splat (f64.const 6.61375632143793436117e-05)))
      (local.set $k9 (f64x2.splat (f64.const -1.65339022054652515390e-06)))
      (local.set $k10 (f64x2.splat (f64.const 4.13813679705723846039e-08)))
      (local.set $k11 (f64x2.splat (f64.const 1)))
      (local.set $k12 (f64x2.splat (f64.const 2)))
      (local.set $k13 (f64x2.splat (f64.const 6755399441055744)))
      (local.set $k14 (v128.const i64x2 1023 1023))
      (local.set $k15 (v128.const i64x2 0x3E30000000000000 0x3E30000000000000))
      (local.set $k16 (f64x2.splat (f64.const 2.718281828459045)))
        (local.set $t_a (v128.and
              (f64x2.trunc (f64x2.add (f64x2.mul (local.get $k0) (local.get $x_a))
                (v128.or (local.get $k1) (v128.and (local.get $x_a) (local.get $k2)))))
              (i64x2.gt_s (local.get $ax_a) (local.get $k3))))
        (local.set $t_b (v128.and
              (f64x2.trunc (f64x2.add (f64x2.mul (local.get $k0) (local.get $x_b))
                (v128.or (local.get $k1) (v128.and (local.get $x_b) (local.get $k2)))))
              (i64x2.gt_s (local.get $ax_b) (local.get $k3))))
        (local.set $hi_a (f64x2.sub (local.get $x_a) (f64x2.mul (local.get $t_a) (local.get $k4))))
        (local.set $hi_b (f64x2.sub (local.get $x_b) (f64x2.mul (local.get $t_b) (local.get $k4))))
        (local.set $lo_a (f64x2.mul (local.get $t_a) (local.get $k5)))
        (local.set $lo_b (f64x2.mul (local.get $t_b) (local.get $k5)))
        (local.set $r_a (f64x2.sub (local.get $hi_a) (local.get $lo_a)))
        (local.set $r_b (f64x2.sub (local.get $hi_b) (local.get $lo_b)))
        (local.set $tt_a (f64x2.mul (local.get $r_a) (local.get $r_a)))
        (local.set $tt_b (f64x2.mul (local.get $r_b) (local.get $r_b)))
        (local.set $c_a (f64x2.sub (local.get $r_a) (f64x2.mul (local.get $tt_a)
              (f64x2.add (local.get $k6) (f64x2.mul (local.get $tt_a)
              (f64x2.add (local.get $k7) (f64x2.mul (local.get $tt_a)
              (f64x2.add (local.get $k8) (f64x2.mul (local.get $tt_a)
              (f64x2.add (local.get $k9) (f64x2.mul (local.get $tt_a) (local.get $k10))))))))))))
        (local.set $c_b (f64x2.sub (local.get $r_b) (f64x2.mul (local.get $tt_b)
              (f64x2.add (local.get $k6) (f64x2.mul (local.get $tt_b)
              (f64x2.add (local.get $k7) (f64x2.mul (local.get $tt_b)
              (f64x2.add (local.get $k8) (f64x2.mul (local.get $tt_b)
              (f64x2.add (local.get $k9) (f64x2.mul (local.get $tt_b) (local.get $k10))))))))))))
        (local.set $y_a (f64x2.sub (local.get $k11) (f64x2.sub (f64x2.sub (local.get $lo_a)
              (f64x2.div (f64x2.mul (local.get $r_a) (local.get $c_a)) (f64x2.sub (local.get $k12) (local.get $c_a)))) (local.get $hi_a))))
        (local.set $y_b (f64x2.sub (local.get $k11) (f64x2.sub (f64x2.sub (local.get $lo_b)
              (f64x2.div (f64x2.mul (local.get $r_b) (local.get $c_b)) (f64x2.sub (local.get $k12) (local.get $c_b)))) (local.get $hi_b))))
        (local.set $y_a (f64x2.mul (local.get $y_a) (i64x2.shl (i64x2.add (f64x2.add (local.get $t_a) (local.get $k13))
              (local.get $k14)) (i32.const 52))))
        (local.set $y_b (f64x2.mul (local.get $y_b) (i64x2.shl (i64x2.add (f64x2.add (local.get $t_b) (local.get $k13))
              (local.get $k14)) (i32.const 52))))
        (local.set $y_a (v128.bitselect (f64x2.add (local.get $k11) (local.get $x_a))
              (local.get $y_a) (i64x2.lt_s (local.get $ax_a) (local.get $k15))))
        (local.set $y_b (v128.bitselect (f64x2.add (local.get $k11) (local.get $x_b))
              (local.get $y_b) (i64x2.lt_s (local.get $ax_b) (local.get $k15))))
        (local.set $e_a (v128.bitselect (local.get $k16) (local.get $y_a)
              (f64x2.eq (local.get $x_a) (local.get $k11))))
        (local.set $e_b (v128.bitselect (local.get $k16) (local.get $y_b)
              (f64x2.eq (local.get $x_b) (local.get $k11))))))
    (v128.store (local.get $q) (f64x2.div
      (v128.bitselect (f64x2.splat (f64.const 1)) (local.get $e_a) (f64x2.ge (local.get $v_a) (f64x2.splat (f64.const 0))))
      (f64x2.add (f64x2.splat (f64.const 1)) (local.get $e_a))))
    (v128.store offset=16 (local.get $q) (f64x2.div
      (v128.bitselect (f64x2.splat (f64.const 1)) (local.get $e_b) (f64x2.ge (local.get $v_b) (f64x2.splat (f64.const 0))))
      (f64x2.add (f64x2.splat (f64.const 1)) (local.get $e_b)))))

  ;; rec_act_sigmoid for u even: the bias added to the row first, then four lanes at a time ($sig4) and a
  ;; last pair: e = exp(−|v|) by $exp2, then 1 / (1 + e) for v ≥ 0, else e / (1 + e) (one division, the
  ;; numerator chosen first): the scalar loop's values (exp(−v) and exp(v) are both exp(−|v|) in their branch).
  (func $sig_rows (param $z i32) (param $b i32) (param $a i32) (param $m i32) (param $u i32) (param $ld i32)
    (local $i i32) (local $row i32) (local $o i32) (local $end i32) (local $v v128) (local $e v128)
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
          (v128.store (i32.add (local.get $z) (local.get $o)) (f64x2.add (v128.load (i32.add (local.get $z) (local.get $o)))
            (v128.load (i32.add (local.get $b) (i32.sub (local.get $o) (local.get $row))))))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (br $bloop)))))
      (local.set $o (local.get $row))
      (block $qdone (loop $qloop
        (br_if $qdone (i32.gt_s (i32.add (local.get $o) (i32.const 32)) (local.get $end)))
        (call $sig4 (i32.add (local.get $z) (local.get $o)) (i32.add (local.get $a) (local.get $o)))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $qloop)))
      (if (i32.lt_s (local.get $o) (local.get $end)) (then
        (local.set $v (v128.load (i32.add (local.get $z) (local.get $o))))
        (local.set $e (call $exp2 (v128.or (local.get $v) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))
        (v128.store (i32.add (local.get $a) (local.get $o)) (f64x2.div
          (v128.bitselect (f64x2.splat (f64.const 1)) (local.get $e) (f64x2.ge (local.get $v) (f64x2.splat (f64.const 0))))
          (f64x2.add (f64x2.splat (f64.const 1)) (local.get $e))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $iloop))))

  (func (export "rec_exp") (param $x f64) (result f64) (call $exp (local.get $x)))
  (func (export "rec_exp2") (param $x f64) (param $y f64) (param $p i32)
    (v128.store (local.get $p) (call $exp2 (f64x2.replace_lane 1 (f64x2.splat (local.get $x)) (local.get $y)))))
)
