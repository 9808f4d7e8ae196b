// RUN: quant-opt %s --quantx-instrument-observers -verify-diagnostics

// A @quantx_observe of another type cannot receive the calls.
// expected-error @+1 {{'quantx_observe' must have type '(i64, i64, tensor<*xf32>) -> ()' to receive observer calls}}
func.func private @quantx_observe(i64, tensor<*xf32>)
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = quantx.observe "y" %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
