// RUN: not quant-opt %s --quantx-export-parameters 2>&1 | FileCheck %s --check-prefix=NOOUT
// NOOUT: error: give the parameter file to write: output=FILE.safetensors
// RUN: quant-opt %s --quantx-export-parameters="output=%t.safetensors" -verify-diagnostics -o /dev/null

// One parameter file per model.
module {
  // expected-error @+1 {{the model already reads parameters from a file; exporting its constants to another is not supported (one parameter file per model)}}
  ml_program.global private @w(#ml_program.extern : tensor<2x4xf32>) : tensor<2x4xf32>
  func.func @f() -> tensor<2x4xf32> {
    %w = ml_program.global_load_const @w : tensor<2x4xf32>
    return %w : tensor<2x4xf32>
  }
}
