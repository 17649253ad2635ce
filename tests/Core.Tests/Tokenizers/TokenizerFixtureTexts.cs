using System.Text;

namespace TtLora.Core.Tests.Tokenizers;

/// <summary>Texts that exercise every corner of the Llama tokenizers' pipelines.</summary>
internal static class TokenizerFixtureTexts
{
    public static IReadOnlyList<string> All { get; } = Build();

    private static List<string> Build()
    {
        var texts = new List<string>
        {
            // Plain text and spacing.
            "",
            "Hello world",
            "The quick brown fox jumps over the lazy dog.",
            "hello",
            " hello",
            "  hello",
            "hello ",
            "hello  ",
            "   leading and trailing   ",
            "multiple   spaces    between     words",
            " ",
            "   ",
            "\t",
            "a\tb\t\tc",
            "\n",
            "\n\n\n",
            " \n ",
            "line one\nline two\r\nline three\rline four",
            "ends with newline\n",
            "  \n\n  indented after blank lines",
            "tab\t\n\t mix \u00A0nbsp\u3000ideographic space",
            // Numbers.
            "1",
            "12",
            "123",
            "1234",
            "12345678",
            "3.14159",
            "The year 2024 had 365 days, not 366; pi=3.14159, e=2.71828.",
            "-42 +7 1e10 0x1F 1,000,000 ٣٤٥ ½",
            // Contractions.
            "it's don't they're we've I'm you'll he'd",
            "IT'S DON'T THEY'RE WE'VE I'M YOU'LL HE'D",
            "'S 'T 'Re 'vE",
            "rock'n'roll o'clock ''quoted'' 's",
            // Punctuation.
            "Wait... what?!?! (really) [yes] {no} <maybe>",
            "!!!???...,,,;;;:::---___***///\\\\\\",
            "\"double\" 'single' `back` «guillemets» „low“ —dash– …",
            "@#$%^&*()+=|~<>",
            // Code.
            "public static int Add(int a, int b) { return a + b; }",
            "var xs = new List<string> { \"a\", \"b\" };\nforeach (var x in xs)\n{\n    Console.WriteLine($\"{x}!\");\n}",
            "def f(x):\n    if x > 0:\n        return x * 2\n    return None\n",
            "for i in range(10):\n\tprint(i)  # comment\n",
            "<div class=\"a\">&amp;</div>",
            "{\"key\": [1, 2.5, null, true], \"nested\": {\"k\": \"v\"}}",
            // URLs and identifiers.
            "https://huggingface.co/meta-llama/Meta-Llama-3-8B?x=1&y=two#frag",
            "user.name+tag@example.com ftp://files.example.org/path/to/file.tar.gz",
            "snake_case camelCase PascalCase SCREAMING_CASE kebab-case",
            // Unicode.
            "café naïve résumé façade Ångström",
            "e\u0301 (combining acute) vs \u00e9",
            "日本語のテキストです。東京",
            "中文文本测试，你好世界！",
            "مرحبا بالعالم",
            "नमस्ते दुनिया",
            "안녕하세요 세계",
            "Привет, мир! Ελληνικά",
            "ẞtraße ǅemal ﬁnance ℌ𝔢𝔩𝔩𝔬",
            // Emoji.
            "😀",
            "I love 🍕 and 🎉!",
            "👨‍👩‍👧‍👦 family",
            "🇫🇷🇯🇵🇺🇸 flags",
            "👍🏽 skin tone",
            "😀abc",
            "❤️ heart with VS16",
            // Rare characters (byte fallback on Llama-2).
            "𝐀𝐁𝐂 bold math",
            "𓀀 hieroglyph",
            "\u0000 null and \u0007 bell and \u001b escape",
            "\uFEFFbyte order mark",
            "\u200bzero\u200cwidth\u200djoiners",
            "\uE000 private use",
            "ꙮ Ꙭ ᚠᚢᚦ runes",
            // Special token strings inside text.
            "<|begin_of_text|>hello<|eot_id|>",
            "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>",
            "<|begin_of_text|><|begin_of_text|>",
            "<|not_a_token|> <|begin_of_text",
            "<s> x </s>",
            "<s>x</s>",
            "a<unk>b",
            "text</s>",
            // Whole-word vocabulary hits that plain merging would split (Llama-3's ignore_merges).
            "Tiếng Việt: việc hợp nhiều hiểu; Türkçe: dikkat merkez milyon lardan; характер .:.:.:.:.:.:.:.:",
            // Case folding of contractions, broken surrogates, unusual whitespace and invisible characters.
            "x'ſ x'K x'S",
            "lone \uD800 surrogate \uDC00 here",
            "nel\u0085x ls\u2028x vt\u000Bx ff\u000Cx fs\u001Cx",
            "İstanbul ΣΑΣ",
            "a \u180E b \u2060 c \u200B\u200B",
            // Mixed.
            "Mixed 中文 and English with 123 numbers and émojis 🎉 in one line.",
        };
        texts.Add(RandomishText(seed: 1234, length: 3000));
        return texts;
    }

    /// <summary>A deterministic mixture of words, digits, punctuation, whitespace and non-Latin characters.</summary>
    private static string RandomishText(int seed, int length)
    {
        string[] pool =
        [
            "the", "of", "token", "izer", "Llama", " ", " ", "  ", "\n", "\t", "42", "7", "1999", ".", ",", "!", "?", "'s", "'LL",
            "é", "ß", "中", "語", "ا", "न", "한", "🙂", "🇩🇪", "𝛑", "<", "|", ">", "<s>", "</s>", "<|eot_id|>", "_", "-", "/", "\\", "\"",
        ];
        var random = new Random(seed);
        var builder = new StringBuilder();
        while (builder.Length < length) builder.Append(pool[random.Next(pool.Length)]);
        return builder.ToString();
    }
}
