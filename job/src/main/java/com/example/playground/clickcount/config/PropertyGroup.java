package com.example.playground.clickcount.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/** Typed, validating reads of one MSF runtime property group; every error names group and key. */
final class PropertyGroup {

    private final String name;
    private final Properties properties;

    PropertyGroup(String name, Properties properties) {
        this.name = name;
        this.properties = properties == null ? new Properties() : properties;
    }

    String name() {
        return name;
    }

    String qualified(String key) {
        return name + "." + key;
    }

    Optional<String> optional(String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.trim());
    }

    String string(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    String required(String key, String condition) {
        return optional(key)
                .orElseThrow(() -> new InvalidConfigurationException(
                        qualified(key) + " is required" + (condition == null ? "" : " when " + condition)));
    }

    boolean bool(String key, boolean defaultValue) {
        Optional<String> value = optional(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new InvalidConfigurationException(
                        qualified(key) + " must be true or false, got '" + value.get() + "'");
        }
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        Optional<String> value = optional(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.get())) {
                return constant;
            }
        }
        throw new InvalidConfigurationException(qualified(key) + " must be one of "
                + java.util.Arrays.toString(type.getEnumConstants()) + ", got '" + value.get() + "'");
    }

    /**
     * A duration in Flink's syntax: a number and a unit ({@code 60 s}, {@code 500 ms},
     * {@code 2 min}; the space is optional), a bare number of milliseconds, or ISO-8601
     * ({@code PT60S}).
     */
    Duration duration(String key, Duration defaultValue) {
        Optional<String> value = optional(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return org.apache.flink.util.TimeUtils.parseDuration(value.get());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new InvalidConfigurationException(qualified(key)
                    + " must be a duration such as 60 s, 500 ms or 2 min, got '" + value.get() + "'", e);
        }
    }

    String streamArn(String key, String condition) {
        String arn = required(key, condition);
        if (!arn.matches("arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\\d{12}:stream/[A-Za-z0-9_.-]{1,128}")) {
            throw new InvalidConfigurationException(qualified(key)
                    + " must be a Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>), got '"
                    + arn + "'");
        }
        return arn;
    }

    Optional<URI> uri(String key) {
        Optional<String> value = optional(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value.get());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new URISyntaxException(value.get(), "scheme and host required");
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw new InvalidConfigurationException(
                    qualified(key) + " must be a URL such as https://localhost:4567, got '" + value.get() + "'", e);
        }
    }
}
