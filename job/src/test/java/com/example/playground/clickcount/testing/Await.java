package com.example.playground.clickcount.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a readiness condition with a generous deadline (the build machine may be busy). */
public final class Await {

    private Await() {}

    public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
