using TtLora.Core.Tokenizers;

namespace TtLora.Core.Tests.Tokenizers;

/// <summary>Bad input gives a one-line TtLoraException naming the file and the problem.</summary>
public sealed class HfTokenizerErrorTests
{
    [Fact]
    public void MissingFile_NamesTheFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("tokenizer.json");
        var error = Assert.Throws<TtLoraException>(() => HfTokenizer.FromFile(path));
        Assert.Equal($"{path}: tokenizer file not found", error.Message);
    }

    [Fact]
    public void FolderWithoutTokenizerJson_NamesTheFolder()
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<TtLoraException>(() => HfTokenizer.FromPath(folder.Path));
        Assert.Equal($"{folder.Path}: model folder has no tokenizer.json", error.Message);
    }

    [Fact]
    public void FromFileOnAFolder_SaysItIsAFolder()
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<TtLoraException>(() => HfTokenizer.FromFile(folder.Path));
        Assert.StartsWith($"{folder.Path}: is a directory", error.Message);
    }

    [Fact]
    public void FromPath_AcceptsAModelFolder()
    {
        using var folder = new TempFolder();
        folder.Write("tokenizer.json", TinyTokenizers.ByteLevelJson());
        Assert.Equal(6, HfTokenizer.FromPath(folder.Path).Encode("hello world").Count);
    }

    [Fact]
    public void MalformedJson_NamesTheFile()
    {
        using var folder = new TempFolder();
        string path = folder.Write("tokenizer.json", "{ \"model\": { \"type\": \"BPE\", ");
        var error = Assert.Throws<TtLoraException>(() => HfTokenizer.FromFile(path));
        Assert.StartsWith($"{path}: not valid JSON:", error.Message);
    }

    [Theory]
    [InlineData("WordPiece")]
    [InlineData("Unigram")]
    [InlineData("WordLevel")]
    public void UnsupportedModelType_NamesFileFieldAndType(string type)
    {
        using var folder = new TempFolder();
        string path = folder.Write("tokenizer.json", "{\"model\": {\"type\": \"" + type + "\", \"vocab\": {}}}");
        var error = Assert.Throws<TtLoraException>(() => HfTokenizer.FromFile(path));
        Assert.Equal($"{path}: model: unsupported model type '{type}' (supported: BPE)", error.Message);
    }

    [Theory]
    [InlineData("normalizer", "{\"type\": \"BertNormalizer\"}", "normalizer: unsupported normalizer type 'BertNormalizer'")]
    [InlineData("normalizer", "{\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"NFC\"}, {\"type\": \"Precompiled\"}]}",
        "normalizer.normalizers[1]: unsupported normalizer type 'Precompiled'")]
    [InlineData("pre_tokenizer", "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"BertPreTokenizer\"}]}",
        "pre_tokenizer.pretokenizers[0]: unsupported pre-tokenizer type 'BertPreTokenizer'")]
    [InlineData("post_processor", "{\"type\": \"RobertaProcessing\"}", "post_processor: unsupported post-processor type 'RobertaProcessing'")]
    [InlineData("decoder", "{\"type\": \"WordPiece\"}", "decoder: unsupported decoder type 'WordPiece'")]
    [InlineData("pre_tokenizer", "{\"type\": \"Split\", \"pattern\": {\"Regex\": \"[a-z&&[^x]]\"}, \"behavior\": \"Isolated\", \"invert\": false}",
        "pre_tokenizer.pattern.Regex: cannot use regex \"[a-z&&[^x]]\"")]
    [InlineData("pre_tokenizer", "{\"type\": \"Split\", \"pattern\": {\"String\": \" \"}, \"behavior\": \"Sideways\", \"invert\": false}",
        "pre_tokenizer.behavior: unknown behavior 'Sideways'")]
    [InlineData("pre_tokenizer", "{\"type\": \"Metaspace\", \"replacement\": \"ab\"}",
        "pre_tokenizer.replacement: expected exactly one character, found \"ab\"")]
    [InlineData("pre_tokenizer", "{\"no_type\": 1}", "pre_tokenizer: missing required field 'type'")]
    public void UnsupportedOrInvalidComponent_NamesFileFieldAndType(string field, string component, string expected)
    {
        using var folder = new TempFolder();
        string json = TinyTokenizers.MetaspaceJson().Replace($"\"{field}\": null", $"\"{field}\": {component}");
        Assert.Contains(component, json);
        string path = folder.Write("tokenizer.json", json);
        var error = Assert.Throws<TtLoraException>(() => HfTokenizer.FromFile(path));
        Assert.StartsWith($"{path}: {expected}", error.Message);
    }

    [Fact]
    public void MergeOfUnknownToken_NamesTheToken()
    {
        using var folder = new TempFolder();
        string json = TinyTokenizers.MetaspaceJson().Replace("[[\"▁\", \"a\"], [\"▁\", \"b\"]]", "[[\"▁\", \"a\"], [\"x\", \"y\"]]");
        string path = folder.Write("tokenizer.json", json);
        var error = Assert.Throws<TtLoraException>(() => HfTokenizer.FromFile(path));
        Assert.Equal($"{path}: model: merge 1 uses \"x\", which is not in the vocabulary", error.Message);
    }

    [Fact]
    public void MalformedMerge_NamesItsIndex()
    {
        using var folder = new TempFolder();
        string json = TinyTokenizers.MetaspaceJson().Replace("[[\"▁\", \"a\"], [\"▁\", \"b\"]]", "[\"▁ a\", \"▁ b c\"]");
        string path = folder.Write("tokenizer.json", json);
        var error = Assert.Throws<TtLoraException>(() => HfTokenizer.FromFile(path));
        Assert.Equal($"{path}: model.merges[1]: expected \"left right\" with exactly one space, found \"▁ b c\"", error.Message);
    }

    [Fact]
    public void WrongFieldType_NamesTheField()
    {
        using var folder = new TempFolder();
        string json = TinyTokenizers.MetaspaceJson().Replace("\"byte_fallback\": true", "\"byte_fallback\": \"yes\"");
        string path = folder.Write("tokenizer.json", json);
        var error = Assert.Throws<TtLoraException>(() => HfTokenizer.FromFile(path));
        Assert.Equal($"{path}: model.byte_fallback: expected true or false, found the string \"yes\"", error.Message);
    }
}
