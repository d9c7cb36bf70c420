package io.spillway.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The complete examples of docs/configuration.md §11 are valid files, so the manual cannot rot. */
class DocumentationExamplesTest {

    private static final Path MANUAL = Path.of("../docs/configuration.md");

    @Test
    void everyCompleteExampleInTheManualIsValid() throws Exception {
        String manual = Files.readString(MANUAL);
        String examples = manual.substring(manual.indexOf("## 11."), manual.indexOf("## 12."));
        List<String> blocks = new ArrayList<>();
        int at = 0;
        while ((at = examples.indexOf("```yaml\n", at)) >= 0) {
            int end = examples.indexOf("```", at + 8);
            blocks.add(examples.substring(at + 8, end));
            at = end + 3;
        }
        assertThat(blocks).hasSize(2);
        for (String block : blocks) {
            assertThat(Yaml.parse(block).errors()).as(block).isEmpty();
        }
    }

    @Test
    void theBranchExampleIsTheTestedContractExample() throws Exception {
        String manual = Files.readString(MANUAL);
        String branch = manual.substring(manual.indexOf("### A branch appliance"));
        branch = branch.substring(branch.indexOf("```yaml\n") + 8, branch.indexOf("```", branch.indexOf("```yaml\n") + 8));
        LoadResult fromManual = Yaml.parse(branch);
        LoadResult fromFile = ConfigLoader.load(Path.of("src/test/resources/contract-example.yaml"), Yaml.ENV);
        assertThat(fromManual.config()).isNotNull().isEqualTo(fromFile.config());
    }
}
