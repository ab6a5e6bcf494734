;; WebAssembly kernels of epynn-ts, third module: the sigmoid of the recurrent layers' steps (RNN, LSTM, GRU);
;; their tanh is in kernels3b.wat.
;; Same rules as kernels.wat: each output is the same sequence of IEEE operations as its TypeScript
;; counterpart (no fused multiply-add, no reassociation), so both backends give the same bits.
;;
;; exp is fdlibm's algorithm as V8 implements Math.exp (v8/src/base/ieee754.cc): the same operations on
;; the same constants, so the same bits as V8's Math.exp (tests/kernels/recurrent.test.ts compares them on
;; hundreds of thousands of arguments). An engine whose Math.exp is not fdlibm's may differ from these in
;; the last bit.
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

  ;; rec_act_sigmoid two lanes at a time (u even): e = exp(−|v|) by $exp2, then 1 / (1 + e) for v ≥ 0,
  ;; else e / (1 + e): the scalar loop's values (exp(−v) and exp(v) are both exp(−|v|) in their branch).
  (func $sig_rows (param $z i32) (param $b i32) (param $a i32) (param $m i32) (param $u i32) (param $ld i32)
    (local $i i32) (local $x i32) (local $end i32) (local $v v128) (local $e v128)
    (local.set $u (i32.shl (local.get $u) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $idone (loop $iloop
      (br_if $idone (i32.ge_s (local.get $i) (local.get $m)))
      (local.set $x (i32.mul (local.get $i) (local.get $ld)))
      (local.set $end (i32.add (local.get $x) (local.get $u)))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $x) (local.get $end)))
        (local.set $v (v128.load (i32.add (local.get $z) (local.get $x))))
        (if (local.get $b) (then
          (local.set $v (f64x2.add (local.get $v) (v128.load (i32.add (local.get $b) (i32.sub (local.get $x) (i32.mul (local.get $i) (local.get $ld)))))))
          (v128.store (i32.add (local.get $z) (local.get $x)) (local.get $v))))
        (local.set $e (call $exp2 (v128.or (local.get $v) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))
        ;; (one division: the numerator 1 or e chosen first)
        (v128.store (i32.add (local.get $a) (local.get $x)) (f64x2.div
          (v128.bitselect (f64x2.splat (f64.const 1)) (local.get $e) (f64x2.ge (local.get $v) (f64x2.splat (f64.const 0))))
          (f64x2.add (f64x2.splat (f64.const 1)) (local.get $e))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $jloop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $iloop))))

  (func (export "rec_exp") (param $x f64) (result f64) (call $exp (local.get $x)))
  (func (export "rec_exp2") (param $x f64) (param $y f64) (param $p i32)
    (v128.store (local.get $p) (call $exp2 (f64x2.replace_lane 1 (f64x2.splat (local.get $x)) (local.get $y)))))
)
