package com.example.playground.clickcount.functions;

import com.example.playground.clickcount.records.InputLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.playground.clickcount.records.ClickEvent;
import com.example.playground.clickcount.records.ClickEventJson;
import com.example.playground.clickcount.records.Timestamps;
import com.example.playground.clickcount.watermarks.EventTimeGuard;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ParseClickEventsTest {

    private static final long OPENED = Timestamps.parse("2026-11-22T21:30:00.000Z");
    /** Shared with the (serializable) clock lambda; tests run sequentially in this class. */
    private static final AtomicLong NOW = new AtomicLong();

    private static void process(OneInputStreamOperatorTestHarness<InputLine, ClickEvent> harness, String line, long timestamp)
            throws Exception {
        harness.processElement(new InputLine(line), timestamp);
    }

    private static ParseClickEvents parser(boolean faultInjection) {
        NOW.set(OPENED);
        return new ParseClickEvents(faultInjection, NOW::get);
    }

    @Test
    void emitsValidClicksAndCountsAndDropsBadInput() throws Exception {
        ParseClickEvents fn = parser(true);
        try (OneInputStreamOperatorTestHarness<InputLine, ClickEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(fn)) {
            ClickEvent click = new ClickEvent(OPENED + 15, "/help");
            process(harness, ClickEventJson.toJson(click), 0);
            process(harness, "{oops", 0);
            process(harness, "", 0);
            process(harness, "{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"/nope\"}", 0);
            process(harness, "{\"timestamp\":\"soon\",\"page\":\"/help\"}", 0);
            process(harness, "{\"page\":\"/help\"}", 0);
            process(harness, "{\"control\":\"reboot\"}", 0);

            assertThat(harness.extractOutputValues()).containsExactly(click);
            assertThat(fn.counterValue("validClicks")).isEqualTo(1);
            assertThat(fn.counterValue("invalidRecords")).isEqualTo(6);
            assertThat(fn.counterValue("malformedJson")).isEqualTo(2);
            assertThat(fn.counterValue("unknownPage")).isEqualTo(1);
            assertThat(fn.counterValue("invalidTimestamp")).isEqualTo(1);
            assertThat(fn.counterValue("missingField")).isEqualTo(1);
            assertThat(fn.counterValue("invalidControlRecord")).isEqualTo(1);
            assertThat(fn.counterValue("futureTimestamp")).isZero();
        }
    }

    @Test
    void clickCarryingTheFutureSentinelIsCountedAsFutureTimestampAndDropped() throws Exception {
        ParseClickEvents fn = parser(true);
        try (OneInputStreamOperatorTestHarness<InputLine, ClickEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(fn)) {
            ClickEvent dayAhead = new ClickEvent(OPENED + 86_400_000, "/help");
            ClickEvent valid = new ClickEvent(OPENED + 15, "/help");
            process(harness, ClickEventJson.toJson(dayAhead), EventTimeGuard.FUTURE_EVENT_TIME);
            process(harness, ClickEventJson.toJson(valid), valid.getTimestamp());
            // the sentinel on a line that is no click does not make it a future click
            process(harness, "{oops", EventTimeGuard.FUTURE_EVENT_TIME);

            assertThat(harness.extractOutputValues()).containsExactly(valid);
            assertThat(fn.counterValue("futureTimestamp")).isEqualTo(1);
            assertThat(fn.counterValue("validClicks")).isEqualTo(1);
            assertThat(fn.counterValue("invalidRecords")).isEqualTo(2);
            assertThat(fn.counterValue("malformedJson")).isEqualTo(1);
        }
    }

    @Test
    void clickWithoutRecordTimestampIsStillAValidClick() throws Exception {
        ParseClickEvents fn = parser(true);
        try (OneInputStreamOperatorTestHarness<InputLine, ClickEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(fn)) {
            ClickEvent click = new ClickEvent(OPENED + 15, "/shop");
            harness.processElement(new org.apache.flink.streaming.runtime.streamrecord.StreamRecord<>(
                    new InputLine(ClickEventJson.toJson(click))));

            assertThat(harness.extractOutputValues()).containsExactly(click);
            assertThat(fn.counterValue("futureTimestamp")).isZero();
        }
    }

    @Test
    void controlRecordIssuedWhileRunningFailsTheJobWithAClearMessage() throws Exception {
        ParseClickEvents fn = parser(true);
        try (OneInputStreamOperatorTestHarness<InputLine, ClickEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(fn)) {
            NOW.set(OPENED + 2_000);
            String control = ClickEventJson.controlFail("id-1", OPENED + 1_000);

            assertThatThrownBy(() -> process(harness, control, 0))
                    .isInstanceOf(InjectedFailureException.class)
                    .hasMessageContaining("id=id-1")
                    .hasMessageContaining("restarts the job");
            assertThat(harness.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void replayOfTheControlRecordAfterRestartIsIgnoredAndNeverCounted() throws Exception {
        String control = ClickEventJson.controlFail("id-1", OPENED - 1_000);
        ParseClickEvents fn = parser(true);
        try (OneInputStreamOperatorTestHarness<InputLine, ClickEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(fn)) {
            process(harness, control, 0);

            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(fn.counterValue("controlRecords")).isEqualTo(1);
            assertThat(fn.counterValue("controlRecordsIgnored")).isEqualTo(1);
            assertThat(fn.counterValue("validClicks")).isZero();
        }
    }

    @Test
    void controlRecordsAreDroppedWhenFaultInjectionIsOff() throws Exception {
        ParseClickEvents fn = parser(false);
        try (OneInputStreamOperatorTestHarness<InputLine, ClickEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(fn)) {
            NOW.set(OPENED + 2_000);
            process(harness, ClickEventJson.controlFail("id-2", OPENED + 1_000), 0);

            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(fn.counterValue("controlRecordsIgnored")).isEqualTo(1);
        }
    }
}
