package com.example.playground.clickcount;

import java.io.IOException;
import java.util.Map;
import java.util.Properties;

/** Test access to {@link ApplicationProperties}. */
public final class ApplicationPropertiesAccess {

    private ApplicationPropertiesAccess() {}

    public static Map<String, Properties> load(String... args) throws IOException {
        return ApplicationProperties.load(args);
    }
}
