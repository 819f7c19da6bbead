// Umbrella header of the RNS-CKKS core (ola_ckks). src/ckks/core may include util/ and
// ckks/ring/ only; ckks/poly, ckks/lintrans and ckks/boot build on this header.
#pragma once

#include "ckks/core/ciphertext.h"
#include "ckks/core/encoder.h"
#include "ckks/core/encryptor.h"
#include "ckks/core/errors.h"
#include "ckks/core/evaluator.h"
#include "ckks/core/key_generator.h"
#include "ckks/core/keys.h"
#include "ckks/core/params.h"
#include "ckks/core/plaintext.h"
#include "ckks/core/serialization.h"
#include "ckks/ring/threads.h"
