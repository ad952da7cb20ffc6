package com.example.playground.clickcount;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import com.example.playground.clickcount.config.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where the runtime property groups come from: {@code --config <path>} (a JSON file in the MSF
 * format, used locally) or, without it, the MSF application's runtime properties.
 */
public final class ApplicationProperties {

    public static final String CONFIG_ARGUMENT = "--config";

    private ApplicationProperties() {}

    public static Map<String, Properties> load(String[] args) throws IOException {
        String path = configPath(args);
        if (path == null) {
            return KinesisAnalyticsRuntime.getApplicationProperties();
        }
        if (!Files.isReadable(Path.of(path))) {
            throw new InvalidConfigurationException("configuration file " + path + " (from " + CONFIG_ARGUMENT
                    + ") does not exist or is not readable");
        }
        return KinesisAnalyticsRuntime.getApplicationProperties(path);
    }

    /** The value of {@code --config <path>} or {@code --config=<path>}, or {@code null}. */
    static String configPath(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(CONFIG_ARGUMENT)) {
                if (i + 1 >= args.length) {
                    throw new InvalidConfigurationException(CONFIG_ARGUMENT + " needs a file path");
                }
                return args[i + 1];
            }
            if (args[i].startsWith(CONFIG_ARGUMENT + "=")) {
                return args[i].substring(CONFIG_ARGUMENT.length() + 1);
            }
        }
        return null;
    }
}
