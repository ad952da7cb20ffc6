package com.example.playground.clickcount.watermarks;

import com.example.playground.clickcount.records.InputLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.playground.clickcount.records.ClickEvent;
import com.example.playground.clickcount.records.ClickEventJson;
import com.example.playground.clickcount.records.Timestamps;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class EventTimeGuardTest {

    private static final long NOW = Timestamps.parse("2026-11-22T21:30:00.000Z");
    private static final Duration SKEW = Duration.ofSeconds(60);
    /** Shared with the (serializable) clock lambda; tests run sequentially in this class. */
    private static final AtomicLong CLOCK = new AtomicLong();

    private static EventTimeGuard guard() {
        CLOCK.set(NOW);
        return new EventTimeGuard(SKEW, CLOCK::get);
    }

    private static String click(long timestamp) {
        return ClickEventJson.toJson(new ClickEvent(timestamp, "/help"));
    }

    @Test
    void clickUpToTheSkewAheadOfTheClockKeepsItsTimestamp() {
        EventTimeGuard guard = guard();

        assertThat(guard.eventTime(click(NOW - 3_600_000))).isEqualTo(NOW - 3_600_000);
        assertThat(guard.eventTime(click(NOW))).isEqualTo(NOW);
        assertThat(guard.eventTime(click(NOW + 60_000))).isEqualTo(NOW + 60_000);
    }

    @Test
    void clickMoreThanTheSkewAheadOfTheClockGetsTheFutureSentinel() {
        EventTimeGuard guard = guard();

        assertThat(guard.eventTime(click(NOW + 60_001))).isEqualTo(EventTimeGuard.FUTURE_EVENT_TIME);
        assertThat(guard.eventTime(click(NOW + Duration.ofDays(1).toMillis()))).isEqualTo(EventTimeGuard.FUTURE_EVENT_TIME);
        assertThat(guard.extractTimestamp(new InputLine(click(NOW + 86_400_000)), NOW)).isEqualTo(EventTimeGuard.FUTURE_EVENT_TIME);
    }

    @Test
    void decidesAgainstTheClockAtTheTimeTheRecordIsRead() {
        EventTimeGuard guard = guard();
        String early = click(NOW + 90_000);
        assertThat(guard.eventTime(early)).isEqualTo(EventTimeGuard.FUTURE_EVENT_TIME);

        CLOCK.set(NOW + 30_000);

        assertThat(guard.eventTime(early)).isEqualTo(NOW + 90_000);
    }

    @Test
    void linesThatAreNoValidClickGetNoEventTime() {
        EventTimeGuard guard = guard();

        assertThat(guard.eventTime("{not json")).isEqualTo(EventTimeGuard.NO_EVENT_TIME);
        assertThat(guard.eventTime("{\"timestamp\":\"2026-11-22T21:30:00.000Z\",\"page\":\"/checkout\"}"))
                .isEqualTo(EventTimeGuard.NO_EVENT_TIME);
        // a control record issued in the future is no click: no event time, never the future sentinel
        assertThat(guard.eventTime(ClickEventJson.controlFail("id", NOW + 86_400_000)))
                .isEqualTo(EventTimeGuard.NO_EVENT_TIME);
    }

    @Test
    void sentinelsAreNoEventTimeAndNoClickCanCarryThem() {
        assertThat(EventTimeGuard.isEventTime(EventTimeGuard.NO_EVENT_TIME)).isFalse();
        assertThat(EventTimeGuard.isEventTime(EventTimeGuard.FUTURE_EVENT_TIME)).isFalse();
        assertThat(EventTimeGuard.isEventTime(NOW)).isTrue();
        assertThat(Timestamps.parse("0000-01-01T00:00:00Z")).isGreaterThan(EventTimeGuard.FUTURE_EVENT_TIME);
    }

    @Test
    void keepsItsSkewAndClockWhenShippedToTheTaskManagers() throws Exception {
        EventTimeGuard copy = InstantiationUtil.clone(guard());

        assertThat(copy.maxFutureSkew()).isEqualTo(SKEW);
        assertThat(copy.eventTime(click(NOW + 60_000))).isEqualTo(NOW + 60_000);
        assertThat(copy.eventTime(click(NOW + 60_001))).isEqualTo(EventTimeGuard.FUTURE_EVENT_TIME);
    }

    @Test
    void rejectsSkewsThatAreNotPositiveOrBeyondTenMinutes() {
        assertThatThrownBy(() -> new EventTimeGuard(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventTimeGuard(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventTimeGuard(Duration.ofMinutes(10).plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new EventTimeGuard(Duration.ofMinutes(10)).maxFutureSkew()).isEqualTo(Duration.ofMinutes(10));
    }
}
