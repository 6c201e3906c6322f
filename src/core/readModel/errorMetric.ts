/**
 * What the table's error is, named the one way every view, chart, report and CLI line names it
 * (DESIGN.md section 10). "Validation error" would read as a search on held-out data while the table
 * records test accuracy.
 */

/** The metric in full: reports, tooltips, notes under tables. */
export const ERROR_METRIC = '1 − CIFAR-10 test accuracy after e epochs (Syne Tune\'s metric_valid_error)';

/** Short enough for a chart's y axis. */
export const ERROR_AXIS_LABEL = 'error (1 − CIFAR-10 test acc.)';
