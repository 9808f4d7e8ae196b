// RUN: quant-opt %s --quantx-lower-parameters --split-input-file -verify-diagnostics

module {
  // expected-error @+1 {{a parameter global needs a statically shaped tensor type and a value}}
  ml_program.global private @w(#ml_program.extern : tensor<?x4xf32>) : tensor<?x4xf32>
}

// -----

module {
  // expected-error @+1 {{a parameter global needs a statically shaped tensor type and a value}}
  ml_program.global private @i(3 : i32) : i32
}
