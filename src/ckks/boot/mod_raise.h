// ModRaise, the first step of bootstrapping: reinterpret a level-0 ciphertext modulo the whole
// chain, so it decrypts to t = m + q_0 I with a small integer polynomial I.
#pragma once

#include "ckks/core/ciphertext.h"
#include "ckks/core/params.h"

namespace ola::ckks {

/// Lifts each part's centred residues modulo q_0 to q_0..q_level (Cheon, Han, Kim, Kim, Song,
/// "Bootstrapping for approximate homomorphic encryption", Eurocrypt 2018, Sec. 3.1). Then
/// c0 + c1 s = m + q_0 I over Z with |I| <= (||s||_1 + 1) / 2; scale and slots are copied.
/// @pre ct at level 0, degree 1, NTT form, made with `params`.
/// @throws OperandError if ct.level != 0, its degree is not 1, it is not in NTT form or its limbs
///         do not have N coefficients
/// @throws OperandError if level is outside 1..max_level
Ciphertext mod_raise(const Params& params, const Ciphertext& ct, int level);

}  // namespace ola::ckks
