using System.Text.Json;
using Microsoft.DotNet.Interactive.Formatting;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;
using TtLora.Extension.Results;

namespace TtLora.Extension.Tests.Formatting;

/// <summary>The views of real verb results: a tiny checkpoint with a tiny tokenizer, run through the command line.</summary>
public sealed class ResultViewTests : IDisposable
{
    readonly TempFolder _tmp = new();
    readonly string _model;
    readonly string _tokenizer;

    public ResultViewTests()
    {
        // No pre-tokenizer, so spaces and control characters are tokens of their own; "<script>" is an added token.
        var vocab = new Dictionary<string, int> { ["<unk>"] = 0, ["a"] = 1, ["b"] = 2, [" "] = 3, ["\n"] = 4, ["\t"] = 5, ["ab"] = 6 };
        _tokenizer = _tmp["tokenizer.json"];
        File.WriteAllText(_tokenizer, $$$"""
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": [{"id": 7, "content": "<script>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": false}],
             "normalizer": null, "pre_tokenizer": null, "post_processor": null, "decoder": null,
             "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": null, "end_of_word_suffix": null,
                       "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                       "vocab": {{{JsonSerializer.Serialize(vocab)}}}, "merges": [["a", "b"]]}}
            """);
        _model = _tmp["model"];
        Assert.Equal(0, CliHarness.Run("model", "create", "--out", _model, "--tokenizer", _tokenizer, "--seed", "5").ExitCode);
    }

    public void Dispose() => _tmp.Dispose();

    static T Result<T>(params string[] args)
    {
        var outcome = CliHarness.Run(args);
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        return Assert.IsType<T>(outcome.Results.Single().Result);
    }

    TokenizeResult Tokenize() => Result<TokenizeResult>("tokenize", "--tokenizer", _tokenizer, "--text", "<script>ab a\n\tb");
    ModelInfoResult ModelInfo() => Result<ModelInfoResult>("model", "info", "--model", _model);
    GenerateResult Generate() => Result<GenerateResult>("generate", "--model", _model, "--prompt", "ab <script>", "--max-new-tokens", "5");

    [Fact]
    public void TokensAreChipsWithIdsEscapedAndWhitespaceVisible()
    {
        var result = Tokenize();
        Assert.Equal([7, 6, 3, 1, 4, 5, 2], result.Ids);
        string html = TokenizeView.ToHtml(result);
        var chips = HtmlDoc.Parse(html).All("span").Where(s => s.HasClass("ttl-chip")).ToArray();
        Assert.Equal(["<script>", "ab", "·", "a", "↵", "→", "b"], chips.Select(c => c.All("span").First(s => s.HasClass("ttl-chip-label")).Value));
        Assert.Equal(["7", "6", "3", "1", "4", "5", "2"], chips.Select(c => c.All("span").Single(s => s.HasClass("ttl-chip-caption")).Value));
        Assert.DoesNotContain("<script", html);
        Assert.Contains("&lt;script&gt;", html);
        Assert.Equal("7 tokens", HtmlDoc.Parse(html).All("div").First(d => d.HasClass("ttl-muted")).Value);
    }

    [Fact]
    public void ModelInfoShowsArchitectureSizesAndFiles()
    {
        var result = ModelInfo();
        var c = result.Summary.Config;
        var root = HtmlDoc.Parse(ModelInfoView.ToHtml(result));
        var card = root.All("div").Single(d => d.HasClass("ttl-card"));
        Assert.Equal("LlamaForCausalLM", card.All("div").Single(d => d.HasClass("ttl-card-title")).Value);
        var rows = card.All("tr").ToDictionary(tr => tr.All("th").Single().Value, tr => tr.All("td").Single().Value);
        Assert.Equal(["folder", "parameters", "layers", "hidden", "heads", "vocab", "rope", "dtype"], rows.Keys);
        Assert.StartsWith(result.Summary.ParameterCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " (", rows["parameters"]);
        Assert.Equal(c.NumHiddenLayers.ToString(), rows["layers"]);
        Assert.Equal($"{c.HiddenSize} (intermediate {c.IntermediateSize})", rows["hidden"].Replace(",", ""));
        Assert.Equal($"{c.NumAttentionHeads} query, {c.NumKeyValueHeads} key/value, head_dim {c.HeadDim}", rows["heads"]);
        Assert.StartsWith("8", rows["vocab"]);
        Assert.StartsWith("theta ", rows["rope"]);
        Assert.Equal(c.TorchDtype, rows["dtype"]);
        var files = root.All("table").Single(t => t.HasClass("ttl-table"));
        Assert.Equal(["file", "bytes"], files.All("th").Select(t => t.Value));
        var fileNames = files.All("tbody").Single().All("tr").Select(tr => tr.All("td").First().Value).ToArray();
        Assert.Contains("model.safetensors", fileNames);
        Assert.Contains("tokenizer.json", fileNames);
    }

    [Fact]
    public void GenerationHighlightsTheContinuationAndListsIds()
    {
        var result = Generate();
        Assert.NotNull(result.Text);
        var root = HtmlDoc.Parse(GenerateView.ToHtml(result));
        var text = root.All("div").Single(d => d.HasClass("ttl-text"));
        Assert.Equal(result.PromptText + result.Text, text.Value);
        Assert.Contains("<script>", result.PromptText);
        Assert.Equal(result.Text, text.All("span").Single(s => s.HasClass("ttl-new")).Value);
        var chips = root.All("span").Where(s => s.HasClass("ttl-chip")).ToArray();
        Assert.Equal(result.PromptIds.Concat(result.GeneratedIds).Select(i => i.ToString()), chips.Select(c => c.Value));
        Assert.Equal(Enumerable.Repeat("hl-muted", result.PromptIds.Count).Concat(Enumerable.Repeat("hl-best", result.GeneratedIds.Count)),
            chips.Select(c => c.Class()!.Split(' ')[1]));
    }

    [Fact]
    public void GenerationWithoutTokenizerShowsIdsOnly()
    {
        var result = new GenerateResult([1, 2], [3], null, null);
        var root = HtmlDoc.Parse(GenerateView.ToHtml(result));
        Assert.DoesNotContain(root.All("div"), d => d.HasClass("ttl-text"));
        Assert.Equal(["1", "2", "3"], root.All("span").Where(s => s.HasClass("ttl-chip")).Select(c => c.Value));
    }

    [Fact]
    public void EveryResultGetsPlainTextAndHtmlFromMimeBundles()
    {
        var model = ModelInfo();
        var tokens = Tokenize();
        var generation = Generate();
        foreach (ICommandResult result in new ICommandResult[] { model, tokens, generation })
        {
            var bundle = MimeBundles.For(result);
            Assert.Equal([MimeBundles.Html, MimeBundles.PlainText], bundle.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(result.ToText(), bundle[MimeBundles.PlainText]);
            string html = Assert.IsType<string>(bundle[MimeBundles.Html]);
            Assert.StartsWith("<div class=\"ttl\"><style>", html);
            HtmlDoc.Parse(html); // well-formed
            // Hosts that format through Microsoft.DotNet.Interactive.Formatting get the same views.
            Assert.Equal(html, Formatter.ToDisplayString(result, MimeBundles.Html));
            Assert.Equal(result.ToText(), Formatter.ToDisplayString(result, MimeBundles.PlainText));
        }
    }
}
