package com.example.playground.clickcount.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.playground.clickcount.records.ClickEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WindowPreAggregatorTest {

    private static final long SIZE = 15_000;

    private WindowPreAggregator operator;
    private OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> harness;

    @BeforeEach
    void open() throws Exception {
        operator = new WindowPreAggregator(SIZE);
        harness = new OneInputStreamOperatorTestHarness<>(operator);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void click(long timestamp, String page) throws Exception {
        harness.processElement(new StreamRecord<>(new ClickEvent(timestamp, page), timestamp));
    }

    /** What came out, in order: clicks and partial counts as "page@windowStart×count", watermarks as "W@t". */
    private List<String> output() {
        List<String> out = new ArrayList<>();
        for (Object element : harness.getOutput()) {
            if (element instanceof StreamRecord<?> record && record.getValue() instanceof ClickEvent click) {
                assertThat(record.getTimestamp()).as("the record's timestamp is its click's").isEqualTo(click.getTimestamp());
                out.add(click.getPage() + "@" + click.getTimestamp() + "x" + click.getCount());
            } else if (element instanceof Watermark mark) {
                out.add("W@" + mark.getTimestamp());
            }
        }
        harness.getOutput().clear();
        return out;
    }

    @Test
    void holdsCountsPerPageAndWindowUntilAWatermarkAndSendsThemAheadOfIt() throws Exception {
        click(15_001, "/help");
        click(29_999, "/help");
        click(16_000, "/shop");
        click(30_000, "/help");
        assertThat(output()).as("nothing goes on before a watermark").isEmpty();
        assertThat(operator.heldPartials()).isEqualTo(3);

        harness.processWatermark(new Watermark(20_000));

        List<String> out = output();
        assertThat(out).hasSize(4).last().isEqualTo("W@20000");
        assertThat(out.subList(0, 3)).containsExactlyInAnyOrder("/help@15000x2", "/shop@15000x1", "/help@30000x1");
        assertThat(operator.heldPartials()).isZero();
    }

    @Test
    void aClickWhoseWindowTheWatermarkHasPassedGoesOnAloneForTheWindowToDrop() throws Exception {
        harness.processWatermark(new Watermark(29_999));
        output();

        click(20_000, "/help");
        click(21_000, "/help");
        click(30_500, "/help");

        assertThat(output()).as("late clicks, one record each, at once").containsExactly("/help@20000x1", "/help@21000x1");
        harness.processWatermark(new Watermark(31_000));
        assertThat(output()).containsExactly("/help@30000x1", "W@31000");
    }

    @Test
    void everyCheckpointBarrierFindsNothingHeld() throws Exception {
        click(15_001, "/help");
        click(15_002, "/help");

        harness.prepareSnapshotPreBarrier(1);

        assertThat(output()).containsExactly("/help@15000x2");
        assertThat(harness.snapshot(1, 1).getManagedOperatorState()).as("no operator state").isEmpty();
    }

    @Test
    void theEndOfABoundedInputFlushes() throws Exception {
        click(1_000, "/jobs");
        harness.endInput();
        operator.finish();
        assertThat(output()).containsExactly("/jobs@0x1");
    }

    @Test
    void partialCountsAddUp() throws Exception {
        harness.processElement(new StreamRecord<>(new ClickEvent(16_000, "/news", 5), 16_000));
        click(17_000, "/news");
        harness.processWatermark(new Watermark(17_000));
        assertThat(output()).containsExactly("/news@15000x6", "W@17000");
    }

    @Test
    void refusesAWindowWithoutLength() {
        assertThatThrownBy(() -> new WindowPreAggregator(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
