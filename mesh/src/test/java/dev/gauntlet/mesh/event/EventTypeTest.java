package dev.gauntlet.mesh.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** One event type per event record, and each record says its own type: the enum is the one list of event types. */
class EventTypeTest {

    @Test
    void shouldNameEveryEventRecordExactlyOnce() {
        Set<Class<?>> permitted = Set.of(MeshEvent.class.getPermittedSubclasses());
        Set<Class<?>> typed =
                Arrays.stream(EventType.values()).map(EventType::record).collect(Collectors.toSet());
        assertThat(typed)
                .as("every permitted record has a type, and no type names a class twice")
                .hasSize(EventType.values().length)
                .isEqualTo(permitted);
    }

    @Test
    void shouldGiveEachRecordTheTypeThatNamesIt() throws ReflectiveOperationException {
        for (EventType type : EventType.values()) {
            MeshEvent event = blank(type.record());
            assertThat(event.eventType()).as(type.record().getSimpleName()).isEqualTo(type);
            assertThat(event.type()).as("the wire name").isEqualTo(type.name());
        }
    }

    /** An instance made with nulls, zeros and false: the records check nothing, and eventType() reads no component. */
    private static MeshEvent blank(Class<? extends MeshEvent> record) throws ReflectiveOperationException {
        RecordComponent[] parts = record.getRecordComponents();
        Class<?>[] types = Arrays.stream(parts).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] args = Arrays.stream(types).map(EventTypeTest::zero).toArray();
        return record.getDeclaredConstructor(types).newInstance(args);
    }

    private static Object zero(Class<?> type) {
        if (!type.isPrimitive()) return null;
        if (type == boolean.class) return false;
        if (type == double.class) return 0.0;
        if (type == long.class) return 0L;
        return 0;
    }
}
