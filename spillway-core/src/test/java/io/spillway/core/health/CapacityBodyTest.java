package io.spillway.core.health;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CapacityBodyTest {

    @Test
    void readsAPlainInteger() {
        assertThat(CapacityBody.parse(" 120\n")).isEqualTo(120);
    }

    @Test
    void readsAJsonObject() {
        assertThat(CapacityBody.parse("{\"capacity\": 42}")).isEqualTo(42);
        assertThat(CapacityBody.parse("{\"name\":\"x\", \"capacity\":7, \"other\":1}")).isEqualTo(7);
    }

    @Test
    void rejectsAnythingElseWithAClearMessage() {
        assertThatThrownBy(() -> CapacityBody.parse("lots")).hasMessageContaining("expected an integer");
        assertThatThrownBy(() -> CapacityBody.parse("-3")).hasMessageContaining("expected an integer");
        assertThatThrownBy(() -> CapacityBody.parse("{\"capacity\": \"9\"}")).hasMessageContaining("expected");
        assertThatThrownBy(() -> CapacityBody.parse("9999999999")).hasMessageContaining("too large");
        assertThatThrownBy(() -> CapacityBody.parse("1".repeat(5000))).hasMessageContaining("longer");
    }
}
