package dev.smoothcal.trainer.augment;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The outputs of {@link ShiftFlip#apply}, all graph operands.
 *
 * @param images augmented images {@code [N, H, W, C]}
 * @param rowShift per-sample downward shift in pixels, {@code [N]} (negative: upward)
 * @param colShift per-sample rightward shift in pixels, {@code [N]}, applied after the flip
 * @param flipped per-sample 1 where the image was mirrored left-right, else 0, {@code [N]}
 */
public record Shifted(Operand<TFloat32> images, Operand<TInt32> rowShift, Operand<TInt32> colShift,
        Operand<TInt32> flipped) {
}
