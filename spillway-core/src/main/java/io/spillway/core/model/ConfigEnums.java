package io.spillway.core.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Shared spelling rules for enums in the configuration: lower case, {@code -} for {@code _}. */
final class ConfigEnums {

    private ConfigEnums() {
    }

    static String configName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static <E extends Enum<E>> E fromConfig(String text, E[] values) {
        for (E e : values) {
            if (configName(e).equals(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException(unknown(text, values));
    }

    static String unknown(String text, Enum<?>[] values) {
        return "'" + text + "' is not one of "
                + Arrays.stream(values).map(ConfigEnums::configName).collect(Collectors.joining(", "));
    }
}
