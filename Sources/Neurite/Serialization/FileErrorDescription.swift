import Foundation

/// A Foundation or POSIX file error as a few plain words ("no such file", "permission denied"),
/// so that messages never show `NSCocoaErrorDomain Code=4` to the user.
public func describeFileError(_ error: any Error) -> String {
    let nsError = error as NSError
    if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))).lowercased() }
    if nsError.domain == NSCocoaErrorDomain {
        switch CocoaError.Code(rawValue: nsError.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file"
        case .fileReadNoPermission, .fileWriteNoPermission:
            // Foundation on Linux refuses to read a pipe or device (`/dev/zero`, `<(command)`) with
            // EACCES, which said "permission denied" to root.
            if let path = nsError.userInfo[NSFilePathErrorKey] as? String, isSpecialFile(path) {
                return "a pipe or device, not a regular file"
            }
            return "permission denied"
        case .fileWriteOutOfSpace: return "no space left on device"
        case .fileWriteVolumeReadOnly: return "read-only file system"
        case .fileReadTooLarge: return "too large to read"
        case .fileReadInapplicableStringEncoding: return "not UTF-8 text"
        case .fileReadCorruptFile: return "unreadable (not a regular file?)"
        default: break
        }
    }
    // A generic code ("file error 512" when a folder cannot be created): the POSIX error under
    // it says more ("not a directory"). On Linux it is a Swift `POSIXError`, not an NSError.
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? POSIXError {
        return String(cString: strerror(underlying.code.rawValue)).lowercased()
    }
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code))).lowercased()
    }
    return nsError.domain == NSCocoaErrorDomain ? "file error \(nsError.code)" : "\(error)"
}

/// Whether `path` is something other than a regular file or a folder: a pipe, socket or device.
private func isSpecialFile(_ path: String) -> Bool {
    var status = stat()
    guard stat(path, &status) == 0 else { return false }
    let kind = status.st_mode & S_IFMT
    return kind != S_IFREG && kind != S_IFDIR
}
