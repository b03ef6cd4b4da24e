package dev.smoothcal.core.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.smoothcal.core.SmoothcalException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How an image of another size is brought to the model's input size (see {@link Resize}). Every rule
 * samples bilinearly at pixel centres (source coordinate {@code (d + 0.5) / s - 0.5}, clamped to the image,
 * as OpenCV's {@code INTER_LINEAR} without anti-aliasing) and rounds to the nearest 8-bit value.
 */
public enum ResizeRule {
    /** Scale width and height independently to the target: the aspect ratio changes, nothing is lost. */
    STRETCH,
    /** Scale by the larger factor, keeping the aspect ratio, and cut the centre: edges are lost. */
    CENTER_CROP,
    /** Scale by the smaller factor, keeping the aspect ratio, and pad the rest with 0 (black), centred. */
    LETTERBOX;

    /**
     * The rule's name as files and flags spell it.
     *
     * @return {@code stretch}, {@code center-crop} or {@code letterbox}
     */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a rule by its {@link #id()}, case-insensitive, as the value of parameter {@code resize}.
     *
     * @param text the name
     * @return the rule
     * @throws SmoothcalException naming {@code resize} when {@code text} is none of them
     */
    @JsonCreator
    public static ResizeRule parse(String text) {
        for (ResizeRule r : values()) {
            if (text != null && r.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw SmoothcalException.invalid("resize", "must be one of "
                + Arrays.toString(Arrays.stream(values()).map(ResizeRule::id).toArray()) + ", found '" + text + "'");
    }
}
