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
 * Serializes a {@link ClickEvent} for the keyBy between the parser and the window: the timestamp
 * (8 bytes), the page as its index in {@link Pages#ALL} (1 byte) or a marker and the text for any
 * other page, and the count as a variable-length integer (1 byte below 128). A click never reaches
 * state (the window keeps a count), so this format is only on the wire between tasks.
 */
public final class ClickEventSerializer extends TypeSerializerSingleton<ClickEvent> {

    private static final long serialVersionUID = 1L;

    public static final ClickEventSerializer INSTANCE = new ClickEventSerializer();

    private static final byte NULL_PAGE = -1;
    private static final byte OTHER_PAGE = -2;
    private static final String[] PAGES = Pages.ALL.toArray(new String[0]);

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ClickEvent createInstance() {
        return new ClickEvent();
    }

    @Override
    public ClickEvent copy(ClickEvent from) {
        return new ClickEvent(from.getTimestamp(), from.getPage(), from.getCount());
    }

    @Override
    public ClickEvent copy(ClickEvent from, ClickEvent reuse) {
        reuse.setTimestamp(from.getTimestamp());
        reuse.setPage(from.getPage());
        reuse.setCount(from.getCount());
        return reuse;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ClickEvent record, DataOutputView target) throws IOException {
        target.writeLong(record.getTimestamp());
        String page = record.getPage();
        byte index = page == null ? NULL_PAGE : pageIndex(page);
        target.writeByte(index);
        if (index == OTHER_PAGE) {
            StringValue.writeString(page, target);
        }
        writeCount(record.getCount(), target);
    }

    private static void writeCount(int count, DataOutputView target) throws IOException {
        int rest = count;
        while ((rest & ~0x7F) != 0) {
            target.writeByte((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        target.writeByte(rest);
    }

    private static int readCount(DataInputView source) throws IOException {
        int count = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = source.readByte();
            count |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return count;
            }
        }
    }

    private static byte pageIndex(String page) {
        for (byte i = 0; i < PAGES.length; i++) {
            if (PAGES[i].equals(page)) {
                return i;
            }
        }
        return OTHER_PAGE;
    }

    @Override
    public ClickEvent deserialize(DataInputView source) throws IOException {
        return deserialize(new ClickEvent(), source);
    }

    @Override
    public ClickEvent deserialize(ClickEvent reuse, DataInputView source) throws IOException {
        reuse.setTimestamp(source.readLong());
        byte index = source.readByte();
        reuse.setPage(index == NULL_PAGE ? null : index == OTHER_PAGE ? StringValue.readString(source) : PAGES[index]);
        reuse.setCount(readCount(source));
        return reuse;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        target.writeLong(source.readLong());
        byte index = source.readByte();
        target.writeByte(index);
        if (index == OTHER_PAGE) {
            StringValue.copyString(source, target);
        }
        writeCount(readCount(source), target);
    }

    @Override
    public TypeSerializerSnapshot<ClickEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration: its snapshot only names it. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ClickEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** The type information of {@link ClickEvent}. */
    public static final TypeInformation<ClickEvent> TYPE_INFO = new SerializerTypeInfo<>(ClickEvent.class, INSTANCE);

    /** Flink's type information for {@link ClickEvent} (picked up through its {@code @TypeInfo}). */
    public static final class TypeInfoFactory extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<ClickEvent> {
        @Override
        public TypeInformation<ClickEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE_INFO;
        }
    }
}
