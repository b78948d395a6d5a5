// Every test file covers the whole of src/: coverage is judged over the union of all tests.
export default () => ['src/**/*.ts'];
