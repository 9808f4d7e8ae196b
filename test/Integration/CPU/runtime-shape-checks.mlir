// Dynamic shapes that break a scheme's rules abort with a message at run
// time instead of reading out of bounds (static shapes are rejected by the
// verifier). The message goes to stdout, which glibc does not flush on
// abort when it is a pipe, hence stdbuf.
// RUN: quant-opt %s --quantx-cpu-pipeline | not --crash stdbuf -oL mlir-runner -e group_not_dividing -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils 2>&1 | FileCheck %s --check-prefix=GROUP
// RUN: quant-opt %s --quantx-cpu-pipeline | not --crash stdbuf -oL mlir-runner -e k_mismatch -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils 2>&1 | FileCheck %s --check-prefix=KDIM
// RUN: quant-opt %s --quantx-cpu-pipeline | not --crash stdbuf -oL mlir-runner -e pack_odd -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils 2>&1 | FileCheck %s --check-prefix=PACK
// RUN: quant-opt %s --quantx-cpu-pipeline | mlir-runner -e fine -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils 2>&1 | FileCheck %s --check-prefix=FINE

func.func private @printMemrefI32(tensor<*xi32>) attributes { llvm.emit_c_interface }

func.func @quantize_groups(%x: tensor<2x?xf32>, %s: tensor<2x?xf32>) -> tensor<2x?xi8> {
  %q = quantx.quantize %x as #quantx.scheme<i8, axis = 1, group = 4> scale(%s : tensor<2x?xf32>) : tensor<2x?xf32> -> tensor<2x?xi8>
  return %q : tensor<2x?xi8>
}

// GROUP: quantx: group size 4 does not divide dimension 1
func.func @group_not_dividing() {
  %x = arith.constant dense<1.0> : tensor<2x6xf32>
  %s = arith.constant dense<1.0> : tensor<2x1xf32>
  %xd = tensor.cast %x : tensor<2x6xf32> to tensor<2x?xf32>
  %sd = tensor.cast %s : tensor<2x1xf32> to tensor<2x?xf32>
  %q = call @quantize_groups(%xd, %sd) : (tensor<2x?xf32>, tensor<2x?xf32>) -> tensor<2x?xi8>
  return
}

// FINE: [1,   1,   1,   1,   1,   1,   1,   1]
func.func @fine() {
  %x = arith.constant dense<1.0> : tensor<2x8xf32>
  %s = arith.constant dense<1.0> : tensor<2x2xf32>
  %xd = tensor.cast %x : tensor<2x8xf32> to tensor<2x?xf32>
  %sd = tensor.cast %s : tensor<2x2xf32> to tensor<2x?xf32>
  %q = call @quantize_groups(%xd, %sd) : (tensor<2x?xf32>, tensor<2x?xf32>) -> tensor<2x?xi8>
  %e = arith.extsi %q : tensor<2x?xi8> to tensor<2x?xi32>
  %u = tensor.cast %e : tensor<2x?xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @matmul_dyn(%a: tensor<1x?xf32>, %w: tensor<2x4xi8>, %s: tensor<2x2xf32>) -> tensor<1x2xf32> {
  %y = quantx.matmul %a, %w weight(#quantx.scheme<i4, axis = 1, group = 4> scale %s) : (tensor<1x?xf32>, tensor<2x4xi8>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// KDIM: quantx.matmul: input K differs from the weight's K
func.func @k_mismatch() {
  %a = arith.constant dense<1.0> : tensor<1x6xf32>
  %w = arith.constant dense<0> : tensor<2x4xi8>
  %s = arith.constant dense<1.0> : tensor<2x2xf32>
  %ad = tensor.cast %a : tensor<1x6xf32> to tensor<1x?xf32>
  %y = call @matmul_dyn(%ad, %w, %s) : (tensor<1x?xf32>, tensor<2x4xi8>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return
}

// PACK: quantx.pack: innermost dimension must be even
func.func @pack_odd() {
  %q = arith.constant dense<1> : tensor<3xi4>
  %qd = tensor.cast %q : tensor<3xi4> to tensor<?xi4>
  %p = quantx.pack %qd : tensor<?xi4> -> tensor<?xi8>
  %e = arith.extsi %p : tensor<?xi8> to tensor<?xi32>
  %u = tensor.cast %e : tensor<?xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}
