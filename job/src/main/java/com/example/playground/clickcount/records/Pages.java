package com.example.playground.clickcount.records;

import java.util.List;
import java.util.Set;

/** The pages the generator clicks on; any other page is invalid input. */
public final class Pages {

    public static final List<String> ALL =
            List.of("/help", "/index", "/shop", "/jobs", "/about", "/news");

    private static final Set<String> KNOWN = Set.copyOf(ALL);

    private Pages() {}

    public static boolean isKnown(String page) {
        return page != null && KNOWN.contains(page);
    }
}
