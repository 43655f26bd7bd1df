package io.crmhub.routing.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValueMapsTest {

    @Test
    void packagedTablesLoadAndTranslate() {
        ValueMaps maps = new ValueMaps(new MappingProperties(null));
        assertThat(maps.translate("sap", "bp-category", "ORGANIZATION")).isEqualTo("2");
        assertThat(maps.table("sap", "correspondence-language").version()).isEqualTo(1);
    }

    @Test
    void anUnmappedCodeNamesTheTableItsVersionAndTheCode() {
        ValueMaps maps = new ValueMaps(new MappingProperties(null));
        assertThatThrownBy(() -> maps.translate("sap", "correspondence-language", "FR"))
                .isInstanceOf(UnmappedValueException.class)
                .hasMessage("value map sap/correspondence-language v1 has no entry for 'FR'");
    }

    @Test
    void aFileOverrideReplacesThePackagedTable(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("sap"));
        Files.writeString(dir.resolve("sap/correspondence-language.yaml"), """
                provider: sap
                table: correspondence-language
                version: 2
                entries:
                  FR: "FR"
                """);
        ValueMaps maps = new ValueMaps(new MappingProperties(dir));
        assertThat(maps.translate("sap", "correspondence-language", "FR")).isEqualTo("FR");
        assertThat(maps.table("sap", "correspondence-language").version()).isEqualTo(2);
    }

    @Test
    void aBrokenTableFailsNamingTheFileAndTheReason() {
        assertThatThrownBy(() -> ValueMaps.parse(stream("provider: sap\ntable: t\nversion: 0\nentries: {A: B}\n"), "mappings/sap/t.yaml"))
                .hasMessageContaining("mappings/sap/t.yaml").hasMessageContaining("'version' must be a positive integer");
        assertThatThrownBy(() -> ValueMaps.parse(stream("provider: sap\ntable: t\nversion: 1\nentries: {}\n"), "x.yaml"))
                .hasMessageContaining("'entries' must be a non-empty mapping");
        assertThatThrownBy(() -> ValueMaps.parse(stream("provider: sap\nversion: 1\nentries: {A: B}\n"), "x.yaml"))
                .hasMessageContaining("'table' is required");
        assertThatThrownBy(() -> ValueMaps.parse(stream("provider: [unclosed"), "bad.yaml"))
                .hasMessageContaining("bad.yaml is not valid YAML");
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
