package dev.smoothcal.trainer.augment;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The outputs of {@link MixAugmentation#apply}, all graph operands.
 *
 * @param images mixed images {@code [N, H, W, C]}
 * @param labels mixed labels {@code [N, K]}, static K kept from the input labels
 * @param lam per-sample weight of the sample's own label, {@code [N]}; exactly 1 where nothing was mixed,
 *     the clipped-box value {@code 1 - area/(H W)} for CutMix
 * @param partner per-sample index of the partner in the batch, {@code [N]} (a permutation; may be the sample itself)
 */
public record Mixed(Operand<TFloat32> images, Operand<TFloat32> labels, Operand<TFloat32> lam,
        Operand<TInt32> partner) {
}
