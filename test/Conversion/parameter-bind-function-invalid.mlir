// RUN: quant-opt %s --quantx-parameter-bind-function=mode=bogus -verify-diagnostics

// expected-error @+1 {{unknown parameter binding 'bogus'; expected symbols or function}}
module {
}
