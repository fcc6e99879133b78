using Xunit;

namespace MxRef.Tests.Cosim;

/// <summary>Line-by-line comparison of an example's answers with the oracle's, naming the first differing input.</summary>
public static class OutputComparison
{
    public static void AssertSameLines(string inputs, string expected, string actual, string who)
    {
        var input = Lines(inputs);
        var want = Lines(expected);
        var got = Lines(actual);
        Assert.True(want.Length == input.Length, $"the oracle answered {want.Length} of {input.Length} lines");
        Assert.True(got.Length == want.Length, $"{who} answered {got.Length} lines, the oracle {want.Length}");
        for (int i = 0; i < want.Length; i++)
            Assert.True(want[i] == got[i], $"line {i + 1}: {input[i]}\n  mxref dot: {want[i]}\n  {who}: {got[i]}");
    }

    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Splits "inputs... D FLAGS" lines into the eight input fields and the two answer fields.</summary>
    public static (string Inputs, string Answers) SplitAnswered(string text)
    {
        var inputs = new System.Text.StringBuilder();
        var answers = new System.Text.StringBuilder();
        foreach (var line in Lines(text))
        {
            var f = line.Split(' ');
            Assert.True(f.Length == 10, $"expected 10 fields (FA FB RM SA A SB B C D FLAGS): {line}");
            inputs.AppendJoin(' ', f[..8]).Append('\n');
            answers.AppendJoin(' ', f[8..]).Append('\n');
        }
        return (inputs.ToString(), answers.ToString());
    }
}
