package com.example.playground.clickcount.records;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Serializes an {@link InputLine} as its text ({@link StringValue}'s encoding, as Flink's String
 * serializer). {@code copy} returns the line itself: it is immutable but for its cached
 * classification, which depends on the text only, so chained operators share one parse.
 */
public final class InputLineSerializer extends TypeSerializerSingleton<InputLine> {

    private static final long serialVersionUID = 1L;

    public static final InputLineSerializer INSTANCE = new InputLineSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public InputLine createInstance() {
        return new InputLine("");
    }

    @Override
    public InputLine copy(InputLine from) {
        return from;
    }

    @Override
    public InputLine copy(InputLine from, InputLine reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(InputLine record, DataOutputView target) throws IOException {
        StringValue.writeString(record.text(), target);
    }

    @Override
    public InputLine deserialize(DataInputView source) throws IOException {
        return new InputLine(StringValue.readString(source));
    }

    @Override
    public InputLine deserialize(InputLine reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        StringValue.copyString(source, target);
    }

    @Override
    public TypeSerializerSnapshot<InputLine> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration: its snapshot only names it. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<InputLine> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Flink's type information for {@link InputLine} (picked up through its {@code @TypeInfo}). */
    public static final class TypeInfoFactory extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<InputLine> {
        @Override
        public TypeInformation<InputLine> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE_INFO;
        }
    }

    /** The type information of {@link InputLine}. */
    public static final TypeInformation<InputLine> TYPE_INFO = new SerializerTypeInfo<>(InputLine.class, INSTANCE);
}
