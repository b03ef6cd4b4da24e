package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses flag values into enums, accepting lower case and '-' for '_'. */
final class CliEnums {
    private CliEnums() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String flag, String value) {
        String key = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E c : type.getEnumConstants()) {
            if (c.name().equals(key)) {
                return c;
            }
        }
        String names = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw new SmoothcalException(flag + " must be one of " + names + ", found '" + value + "'");
    }
}
