#nullable disable
using System;

namespace NFUnitTest.Shared
{
    /// <summary>Assertions for the shared device cases: mscorlib only, so the same code runs under xunit and under
    /// nanoFramework.TestFramework (a failure is an exception with one line saying what differed).</summary>
    public static class Check
    {
        public static void True(bool condition, string what)
        {
            if (!condition) throw new Exception("expected: " + what);
        }

        public static void Equal(int expected, int actual, string what)
        {
            if (expected != actual) throw new Exception(what + ": expected " + expected.ToString() + ", got " + actual.ToString());
        }

        public static void Equal(string expected, string actual, string what)
        {
            if (expected != actual) throw new Exception(what + ": expected '" + expected + "', got '" + actual + "'");
        }

        /// <summary>Runs <paramref name="action"/> and returns what it threw; fails when it throws nothing.</summary>
        public static Exception Throws(ThrowingAction action, string what)
        {
            try { action(); }
            catch (Exception e) { return e; }
            throw new Exception("expected an exception: " + what);
        }

        public delegate void ThrowingAction();
    }
}
