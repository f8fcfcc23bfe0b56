/** Rule id of Huawei definition import problems (reading and mapping), printed as `[huawei-import]`. */
export const HUAWEI_IMPORT_RULE = 'huawei-import';
