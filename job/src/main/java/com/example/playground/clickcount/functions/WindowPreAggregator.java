package com.example.playground.clickcount.functions;

import com.example.playground.clickcount.records.ClickEvent;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Counts the clicks of each page and event-time window in the source's task, so that the keyBy and
 * the window's RocksDB state see one record per page, window and watermark instead of one per
 * click.
 *
 * <p>What the window computes stays the same, click for click:
 *
 * <ul>
 *   <li>Partial counts are held only between two watermarks: every watermark first sends all of
 *       them on, then goes on itself. A partial therefore reaches the window ahead of the watermark
 *       that could close its window, just as its clicks would have.
 *   <li>Every checkpoint barrier is preceded by the same flush ({@link #prepareSnapshotPreBarrier}),
 *       so the operator holds nothing at a checkpoint and has no state: a restore replays the
 *       source from its offsets and no click is counted twice or lost.
 *   <li>A click whose window this task's watermark has already passed goes on alone and unchanged,
 *       so the window decides whether it is late (the window's watermark is the minimum over its
 *       inputs and may still be behind) and {@code numLateRecordsDropped} counts clicks, as before.
 * </ul>
 *
 * <p>Memory is bounded by the pages times the windows open between two watermarks (the parser
 * drops unknown pages and far-future clicks). Only the event-time job uses it: in processing time
 * the window is chosen when a click reaches it, and holding clicks back would move them.
 */
public final class WindowPreAggregator extends AbstractStreamOperator<ClickEvent>
        implements OneInputStreamOperator<ClickEvent, ClickEvent> {

    private static final long serialVersionUID = 1L;

    private final long windowSize;
    private transient Map<PartialKey, ClickEvent> partials;
    private transient long watermark;

    /** @param windowSize the length of the tumbling event-time windows that follow, in milliseconds */
    public WindowPreAggregator(long windowSize) {
        if (windowSize <= 0) {
            throw new IllegalArgumentException("windowSize must be positive, got " + windowSize);
        }
        this.windowSize = windowSize;
    }

    @Override
    public void open() throws Exception {
        super.open();
        partials = new HashMap<>();
        watermark = Long.MIN_VALUE;
    }

    @Override
    public void processElement(StreamRecord<ClickEvent> element) throws Exception {
        ClickEvent click = element.getValue();
        long start = TimeWindow.getWindowStartWithOffset(element.getTimestamp(), 0, windowSize);
        if (start + windowSize - 1 <= watermark) {
            output.collect(element);
            return;
        }
        PartialKey key = new PartialKey(click.getPage(), start);
        ClickEvent partial = partials.get(key);
        if (partial == null) {
            partials.put(key, new ClickEvent(start, click.getPage(), click.getCount()));
        } else {
            partial.setCount(partial.getCount() + click.getCount());
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        watermark = Math.max(watermark, mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** How many page-window counts are held (for tests). */
    int heldPartials() {
        return partials.size();
    }

    private void flush() {
        if (partials.isEmpty()) {
            return;
        }
        for (ClickEvent partial : partials.values()) {
            output.collect(new StreamRecord<>(partial, partial.getTimestamp()));
        }
        partials.clear();
    }

    private record PartialKey(String page, long windowStart) {}
}
