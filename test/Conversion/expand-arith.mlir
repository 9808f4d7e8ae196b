// RUN: quant-opt %s -split-input-file --quantx-expand-arith | FileCheck %s
// RUN: quant-opt %s -split-input-file --verify-diagnostics --quantx-expand-arith -o /dev/null

// Division with rounding toward +inf / -inf becomes divsi with a
// correction; f32 <-> bf16 conversions become bit operations (nearest even,
// NaN to the quiet NaN 0x7FC0); min and max of every kind stay single ops
// (LLVM's min/max intrinsics, which its loop vectorizer reduces).
// CHECK-LABEL: func.func @scalars
//   CHECK-NOT:   arith.ceildivsi
//   CHECK-NOT:   arith.floordivsi
//       CHECK:   arith.divsi
//       CHECK:   arith.divsi
//       CHECK:   arith.maximumf %{{.*}} : f32
//       CHECK:   arith.minimumf %{{.*}} : f32
//       CHECK:   arith.maxnumf %{{.*}} : f32
//       CHECK:   arith.minnumf %{{.*}} : f32
//       CHECK:   arith.cmpf une
//       CHECK:   arith.bitcast %{{.*}} : f32 to i32
//       CHECK:   arith.select %{{.*}}, %{{.*}}, %{{.*}} : i16
//       CHECK:   arith.bitcast %{{.*}} : i16 to bf16
//       CHECK:   arith.bitcast %{{.*}} : bf16 to i16
//       CHECK:   arith.extui %{{.*}} : i16 to i32
//       CHECK:   arith.shli
//       CHECK:   arith.bitcast %{{.*}} : i32 to f32
//       CHECK:   arith.maxsi
//       CHECK:   arith.minui
//   CHECK-NOT:   arith.truncf
//   CHECK-NOT:   arith.extf
func.func @scalars(%a: i32, %b: i32, %x: f32, %y: f32, %h: bf16) -> (i32, i32, f32, f32, f32, f32, bf16, f32, i32, i32) {
  %0 = arith.ceildivsi %a, %b : i32
  %1 = arith.floordivsi %a, %b : i32
  %2 = arith.maximumf %x, %y : f32
  %3 = arith.minimumf %x, %y : f32
  %4 = arith.maxnumf %x, %y : f32
  %5 = arith.minnumf %x, %y : f32
  %6 = arith.truncf %x : f32 to bf16
  %7 = arith.extf %h : bf16 to f32
  %8 = arith.maxsi %a, %b : i32
  %9 = arith.minui %a, %b : i32
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : i32, i32, f32, f32, f32, f32, bf16, f32, i32, i32
}

// -----

// Vectors: the same, element by element.
// CHECK-LABEL: func.func @vectors
//       CHECK:   arith.maximumf %{{.*}} : vector<8xf32>
//       CHECK:   arith.bitcast %{{.*}} : vector<8xi16> to vector<8xbf16>
//   CHECK-NOT:   arith.truncf
func.func @vectors(%v: vector<8xf32>, %w: vector<8xf32>) -> (vector<8xf32>, vector<8xbf16>) {
  %0 = arith.maximumf %v, %w : vector<8xf32>
  %1 = arith.truncf %v : vector<8xf32> to vector<8xbf16>
  return %0, %1 : vector<8xf32>, vector<8xbf16>
}

// -----

// Left alone: conversions LLVM lowers itself (f16, f64) and ops in other
// types than the expansions handle.
// CHECK-LABEL: func.func @left_alone
//       CHECK:   arith.truncf %{{.*}} : f32 to f16
//       CHECK:   arith.extf %{{.*}} : f16 to f64
//       CHECK:   arith.truncf %{{.*}} : f64 to bf16
//       CHECK:   arith.divsi
func.func @left_alone(%x: f32, %a: index, %b: index) -> (f64, bf16, index) {
  %0 = arith.truncf %x : f32 to f16
  %1 = arith.extf %0 : f16 to f64
  %2 = arith.truncf %1 : f64 to bf16
  %3 = arith.divsi %a, %b : index
  return %1, %2, %3 : f64, bf16, index
}
