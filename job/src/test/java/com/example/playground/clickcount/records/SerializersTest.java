package com.example.playground.clickcount.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class SerializersTest {

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).as("copy(in, out) copies the bytes").isEqualTo(out.getCopyOfBuffer());
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T read = serializer.deserialize(in);
        assertThat(in.available()).as("reads exactly what was written").isZero();
        return read;
    }

    @Test
    void clicksOfKnownPagesTakeTenBytesAndComeBackEqual() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        ClickEventSerializer.INSTANCE.serialize(new ClickEvent(1L, "/help"), out);
        assertThat(out.length()).isEqualTo(10);
        for (String page : Pages.ALL) {
            ClickEvent click = new ClickEvent(Timestamps.parse("2026-11-22T21:30:00.015Z"), page);
            assertThat(roundTrip(ClickEventSerializer.INSTANCE, click)).isEqualTo(click);
        }
    }

    @Test
    void clicksOfOtherPagesAndWithoutPageComeBackEqual() throws IOException {
        for (ClickEvent click : new ClickEvent[] {new ClickEvent(-5L, "/checkout"), new ClickEvent(7L, ""), new ClickEvent(Long.MAX_VALUE, null)}) {
            assertThat(roundTrip(ClickEventSerializer.INSTANCE, click)).isEqualTo(click);
        }
    }

    @Test
    void partialCountsOfEverySizeComeBackEqual() throws IOException {
        for (int count : new int[] {0, 1, 127, 128, 16_383, 16_384, 2_000_000, Integer.MAX_VALUE}) {
            ClickEvent partial = new ClickEvent(15_000L, "/shop", count);
            assertThat(roundTrip(ClickEventSerializer.INSTANCE, partial)).isEqualTo(partial);
        }
        ClickEvent other = new ClickEvent(15_000L, "/elsewhere", 300);
        assertThat(roundTrip(ClickEventSerializer.INSTANCE, other)).isEqualTo(other);
        assertThat(ClickEventSerializer.INSTANCE.copy(other)).isEqualTo(other);
    }

    @Test
    void aCopiedClickIsIndependentOfTheOriginal() {
        ClickEvent click = new ClickEvent(1L, "/help");
        ClickEvent copy = ClickEventSerializer.INSTANCE.copy(click);
        click.setPage("/shop");
        assertThat(copy).isEqualTo(new ClickEvent(1L, "/help"));
    }

    @Test
    void inputLinesTravelAsTheirTextAndKeepOneClassificationInAChain() throws IOException {
        InputLine line = new InputLine("{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"/help\"}");
        InputRecord record = line.record();
        assertThat(InputLineSerializer.INSTANCE.copy(line)).isSameAs(line);
        assertThat(InputLineSerializer.INSTANCE.copy(line).record()).isSameAs(record);
        InputLine read = roundTrip(InputLineSerializer.INSTANCE, line);
        assertThat(read).isEqualTo(line);
        assertThat(read.record()).isEqualTo(record);
        assertThat(roundTrip(InputLineSerializer.INSTANCE, new InputLine("{not json ü"))).isEqualTo(new InputLine("{not json ü"));
    }

    @Test
    void theTypesUseTheseSerializersAndTheirSnapshotsRestoreThem() {
        assertThat(TypeInformation.of(ClickEvent.class).createSerializer(new SerializerConfigImpl())).isSameAs(ClickEventSerializer.INSTANCE);
        assertThat(TypeInformation.of(InputLine.class).createSerializer(new SerializerConfigImpl())).isSameAs(InputLineSerializer.INSTANCE);
        TypeSerializerSnapshot<ClickEvent> snapshot = ClickEventSerializer.INSTANCE.snapshotConfiguration();
        assertThat(snapshot.restoreSerializer()).isSameAs(ClickEventSerializer.INSTANCE);
        TypeSerializerSchemaCompatibility<ClickEvent> compatibility =
                ClickEventSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(snapshot);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }
}
