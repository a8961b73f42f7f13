package dev.tresor.it.readme;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell blocks of a Markdown README, in order, with the instructions for the README executor written just before
 * each of them. A shell block is a fenced block whose info string is {@code sh}; fences in other shell dialects
 * ({@code bash}, {@code shell}, {@code console}, ...) are refused, so that no shell block is left out unnoticed.
 * Fences without an info string, or for other languages, are text.
 *
 * <p>Instructions are HTML comments on the lines directly above the fence, one per line, rendered by nobody:
 * <pre>
 * &lt;!-- readme: skip REASON --&gt;          the block is not run; a reason is required
 * &lt;!-- readme: server stopped --&gt;       the text asks to stop the server before this block
 * &lt;!-- readme: server running --&gt;       the text asks to start it again before this block
 * &lt;!-- readme: expect REGEX --&gt;          the block's output (stdout and stderr) contains a match of REGEX
 * &lt;!-- readme: expect-not REGEX --&gt;      ... and no match of this one
 * </pre>
 * Any other {@code readme:} comment is an error.
 */
final class ReadmeBlocks {
    private static final Pattern FENCE = Pattern.compile("^```\\s*([A-Za-z0-9_+-]*)\\s*$");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");
    private static final Pattern INSTRUCTION = Pattern.compile("^<!--\\s*readme:\\s*(.*?)\\s*-->\\s*$");
    private static final List<String> OTHER_SHELLS = List.of("bash", "shell", "console", "zsh", "shell-session");

    enum ServerState { UNCHANGED, STOPPED, RUNNING }

    /** One shell block: where it is, what it runs, and what the executor does around it. */
    static final class Block {
        final int number;
        final int line;
        final String section;
        final String script;
        final Optional<String> skipReason;
        final ServerState server;
        final List<Pattern> expected;
        final List<Pattern> unexpected;

        Block(int number, int line, String section, String script, Optional<String> skipReason, ServerState server,
              List<Pattern> expected, List<Pattern> unexpected) {
            this.number = number;
            this.line = line;
            this.section = section;
            this.script = script;
            this.skipReason = skipReason;
            this.server = server;
            this.expected = List.copyOf(expected);
            this.unexpected = List.copyOf(unexpected);
        }

        String name() {
            return "README block " + number + " (line " + line + ", section \"" + section + "\")";
        }
    }

    private ReadmeBlocks() {
    }

    static List<Block> parse(String markdown) {
        String[] lines = markdown.split("\n", -1);
        List<Block> blocks = new ArrayList<>();
        String section = "(top)";
        int index = 0;
        while (index < lines.length) {
            String line = lines[index];
            Matcher heading = HEADING.matcher(line);
            Matcher fence = FENCE.matcher(line);
            if (heading.matches()) {
                section = heading.group(1).trim();
                index++;
            } else if (fence.matches()) {
                int close = closingFence(lines, index);
                String language = fence.group(1);
                if (OTHER_SHELLS.contains(language)) {
                    throw new IllegalArgumentException("line " + (index + 1) + ": shell blocks are fenced as ```sh, not ```"
                        + language + " (the README executor runs only ```sh blocks)");
                }
                if (language.equals("sh")) {
                    String script = String.join("\n", List.of(lines).subList(index + 1, close)) + "\n";
                    blocks.add(block(blocks.size() + 1, index + 1, section, script, instructionsAbove(lines, index)));
                } else if (!instructionsAbove(lines, index).isEmpty()) {
                    throw new IllegalArgumentException("line " + (index + 1) + ": readme instructions above a block that is"
                        + " not ```sh");
                }
                index = close + 1;
            } else {
                index++;
            }
        }
        return blocks;
    }

    private static int closingFence(String[] lines, int open) {
        for (int index = open + 1; index < lines.length; index++) {
            if (lines[index].trim().equals("```")) {
                return index;
            }
        }
        throw new IllegalArgumentException("line " + (open + 1) + ": code block never closed");
    }

    private static List<String> instructionsAbove(String[] lines, int fence) {
        List<String> instructions = new ArrayList<>();
        for (int index = fence - 1; index >= 0; index--) {
            Matcher instruction = INSTRUCTION.matcher(lines[index]);
            if (!instruction.matches()) {
                break;
            }
            instructions.add(0, instruction.group(1));
        }
        return instructions;
    }

    private static Block block(int number, int line, String section, String script, List<String> instructions) {
        Optional<String> skipReason = Optional.empty();
        ServerState server = ServerState.UNCHANGED;
        List<Pattern> expected = new ArrayList<>();
        List<Pattern> unexpected = new ArrayList<>();
        for (String instruction : instructions) {
            String[] words = instruction.split("\\s+", 2);
            String argument = words.length > 1 ? words[1].trim() : "";
            switch (words[0]) {
                case "skip":
                    if (argument.isEmpty()) {
                        throw new IllegalArgumentException("line " + line + ": readme: skip needs a reason");
                    }
                    skipReason = Optional.of(argument);
                    break;
                case "server":
                    server = serverState(line, argument);
                    break;
                case "expect":
                    expected.add(regex(line, argument));
                    break;
                case "expect-not":
                    unexpected.add(regex(line, argument));
                    break;
                default:
                    throw new IllegalArgumentException("line " + line + ": unknown readme instruction '" + instruction
                        + "' (skip REASON, server stopped|running, expect REGEX, expect-not REGEX)");
            }
        }
        return new Block(number, line, section, script, skipReason, server, expected, unexpected);
    }

    private static ServerState serverState(int line, String argument) {
        switch (argument) {
            case "stopped":
                return ServerState.STOPPED;
            case "running":
                return ServerState.RUNNING;
            default:
                throw new IllegalArgumentException("line " + line + ": readme: server takes 'stopped' or 'running', not '"
                    + argument + "'");
        }
    }

    private static Pattern regex(int line, String argument) {
        if (argument.isEmpty()) {
            throw new IllegalArgumentException("line " + line + ": readme: expect needs a regular expression");
        }
        return Pattern.compile(argument, Pattern.MULTILINE);
    }
}
