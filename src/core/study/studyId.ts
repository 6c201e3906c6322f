/** Study ids name the study's folder: `<searcher>-<scheduler>-s<seed>-<yyyymmdd-hhmmss>` (local time). */

export function makeStudyId(spec: { searcher: string; scheduler: string; seed: number }, at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${two(at.getMonth() + 1)}${two(at.getDate())}-${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}`;
  return `${studyIdPart(spec.searcher)}-${spec.scheduler}-s${spec.seed}-${stamp}`;
}

/** A searcher name or compare label as part of a study id: `+` (rea+warm), `:` (llambo:gpt4omini) and `@` (rea@asha) become `-`. */
export function studyIdPart(name: string): string {
  return name.replace(/[+:@]/g, '-');
}
