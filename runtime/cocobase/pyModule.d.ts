// Python sources are bundled as text by esbuild (loader "text").
declare module '*.py' {
  const source: string;
  export default source;
}
