// An unknown binding mode is rejected when the option is parsed.
// RUN: not quant-opt %s --quantx-parameter-bind-function=mode=bogus 2>&1 | FileCheck %s
// CHECK: for the --mode option: Cannot find option named 'bogus'!
module {
}
