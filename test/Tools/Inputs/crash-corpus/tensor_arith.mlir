// Upstream-style tensor and arith inputs for the crash corpus.
func.func @slices(%x: tensor<?x8xf32>, %i: index) -> (tensor<2x4xf32>, tensor<?x8xf32>) {
  %s = tensor.extract_slice %x[%i, 0] [2, 4] [1, 2] : tensor<?x8xf32> to tensor<2x4xf32>
  %z = arith.constant dense<1.0> : tensor<2x4xf32>
  %r = tensor.insert_slice %z into %x[0, 0] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<?x8xf32>
  return %s, %r : tensor<2x4xf32>, tensor<?x8xf32>
}

// -----

func.func @reshape(%x: tensor<4x6xf32>) -> tensor<2x2x6xf32> {
  %c = tensor.collapse_shape %x [[0, 1]] : tensor<4x6xf32> into tensor<24xf32>
  %e = tensor.expand_shape %c [[0, 1, 2]] output_shape [2, 2, 6] : tensor<24xf32> into tensor<2x2x6xf32>
  return %e : tensor<2x2x6xf32>
}

// -----

func.func @pad_concat(%x: tensor<2x3xf32>) -> tensor<8x5xf32> {
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%a: index, %b: index):
    tensor.yield %z : f32
  } : tensor<2x3xf32> to tensor<4x5xf32>
  %c = tensor.concat dim(0) %p, %p : (tensor<4x5xf32>, tensor<4x5xf32>) -> tensor<8x5xf32>
  return %c : tensor<8x5xf32>
}

// -----

func.func @elementwise(%a: tensor<4xf64>, %b: tensor<4xi1>, %c: tensor<4xbf16>) -> (tensor<4xf64>, tensor<4xi32>, tensor<4xf32>) {
  %s = arith.mulf %a, %a : tensor<4xf64>
  %i = arith.extui %b : tensor<4xi1> to tensor<4xi32>
  %f = arith.extf %c : tensor<4xbf16> to tensor<4xf32>
  %m = math.exp %f : tensor<4xf32>
  return %s, %i, %m : tensor<4xf64>, tensor<4xi32>, tensor<4xf32>
}

// -----

func.func @scalars(%a: f32, %b: i64, %c: index) -> (f32, i64, index) {
  %r = arith.addf %a, %a : f32
  %s = arith.muli %b, %b : i64
  %t = arith.addi %c, %c : index
  return %r, %s, %t : f32, i64, index
}

// -----

func.func @zero_d(%x: tensor<f32>) -> tensor<f32> {
  %y = arith.addf %x, %x : tensor<f32>
  return %y : tensor<f32>
}

// -----

func.func @empty_tensor(%x: tensor<0x4xf32>) -> tensor<0x4xf32> {
  %y = arith.negf %x : tensor<0x4xf32>
  return %y : tensor<0x4xf32>
}

// -----

func.func @loop(%x: tensor<4xf32>, %n: index) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> tensor<4xf32> {
    %y = arith.addf %acc, %x : tensor<4xf32>
    scf.yield %y : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func private @external(tensor<4xf32>) -> tensor<4xf32>
func.func @calls(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = call @external(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
