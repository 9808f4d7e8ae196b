// One per-tensor observer on the input, one per-channel observer on an
// intermediate value (f16, to exercise the widening to f32).
func.func @model(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %a = quantx.observe "input" %x : tensor<?x2xf32>
  %h = arith.truncf %a : tensor<?x2xf32> to tensor<?x2xf16>
  %b = quantx.observe "hidden" %h axis 1 : tensor<?x2xf16>
  %y = arith.extf %b : tensor<?x2xf16> to tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
